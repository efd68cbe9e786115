// Checks deploy/ offline: every Kubernetes manifest and the compose file against their schemas, and the few
// facts that tie them to the service (health routes, secrets, the graceful stop, documented settings).
// Each check has a negative twin that feeds it a broken copy, so a check that passes everything cannot hide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  composeSchemaErrors, kubernetesSchemaErrors, kubernetesUnknownFields, readCompose, readYamlDocuments,
} from './schemas.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const deploy = join(root, 'deploy');
const kubernetesFolder = join(deploy, 'kubernetes');
const manifestFiles = readdirSync(kubernetesFolder).filter((f) => /\.ya?ml$/.test(f)).sort();
const manifests = manifestFiles.flatMap((file) =>
  readYamlDocuments(join(kubernetesFolder, file)).map((object) => ({ file, object })));
// cert-manager's resources, kept apart: `kubectl apply -f deploy/kubernetes/` must not need cert-manager.
const certManagerFolder = join(kubernetesFolder, 'cert-manager');
const certManagerFiles = readdirSync(certManagerFolder).filter((f) => /\.ya?ml$/.test(f)).sort();
const certManagerObjects = certManagerFiles.flatMap((file) =>
  readYamlDocuments(join(certManagerFolder, file)).map((object) => ({ file: `cert-manager/${file}`, object })));
// CloudNativePG's Cluster, kept apart likewise (it needs the operator). No package carries the operator's CRD schema
// offline, so the checks below hold the fields the service relies on instead.
const cloudNativePgObjects = readYamlDocuments(join(kubernetesFolder, 'cloudnative-pg', 'cluster.yaml'));
const compose = readCompose(join(deploy, 'compose.yaml'));
const dockerfile = readFileSync(join(deploy, 'Dockerfile'), 'utf8');
const haproxy = readFileSync(join(deploy, 'haproxy.cfg'), 'utf8');
const configurationReference = readFileSync(join(root, 'docs', 'configuration.md'), 'utf8');
const healthApi = readFileSync(join(root, 'src', 'Api', 'Endpoints', 'HealthApi.cs'), 'utf8');

const clone = (value) => structuredClone(value);
const named = (kind) => manifests.filter((m) => m.object.kind === kind).map((m) => m.object);
const component = (kind, name) => named(kind).find((o) => o.metadata.labels?.['app.kubernetes.io/component'] === name
  || o.spec?.selector?.matchLabels?.['app.kubernetes.io/component'] === name);
const deployment = component('Deployment', 'silo');
const gatewayDeployment = component('Deployment', 'gateway');
const silo = () => deployment.spec.template.spec.containers.find((c) => c.name === 'silo');
const gateway = () => gatewayDeployment.spec.template.spec.containers.find((c) => c.name === 'gateway');
const podsOf = (selector, workload) => Object.entries(selector).every(([k, v]) => workload.spec.template.metadata.labels[k] === v);

test('deploy/kubernetes holds the manifests the deployment needs', () => {
  const kinds = new Set(manifests.map((m) => m.object.kind));
  for (const kind of ['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'Deployment', 'Service', 'PodDisruptionBudget', 'NetworkPolicy']) {
    assert.ok(kinds.has(kind), `no ${kind} in deploy/kubernetes`);
  }
});

for (const { file, object } of manifests) {
  const label = `${file}: ${object.kind} ${object.metadata?.name}`;
  test(`${label} matches the Kubernetes schema`, async () => {
    assert.deepEqual(await kubernetesSchemaErrors(object), []);
  });
  test(`${label} has no field the Kubernetes API lacks`, () => {
    assert.deepEqual(kubernetesUnknownFields(object), []);
  });
}

for (const { file, object } of certManagerObjects) {
  test(`${file}: ${object.kind} ${object.metadata?.name} matches cert-manager's schema`, async () => {
    assert.deepEqual(await kubernetesSchemaErrors(object), []);
  });
}

test('the cert-manager schema check rejects a Certificate without its Secret, with a wrong type and an unknown usage', async () => {
  const broken = clone(certManagerObjects.find((o) => o.object.kind === 'Certificate').object);
  delete broken.spec.secretName;
  broken.spec.duration = 2160;
  broken.spec.usages = ['server auth', 'lunch'];
  const errors = (await kubernetesSchemaErrors(broken)).join('\n');
  assert.match(errors, /required property secretName/);
  assert.match(errors, /duration must be string/);
  assert.match(errors, /usages\/1 must be equal to one of the allowed values/);
});

/** What the service needs of a CloudNativePG Cluster (deploy/README.md, "Failover"); empty when it has it all. */
function cloudNativePgProblems(cluster) {
  const problems = [];
  const spec = cluster.spec ?? {};
  if (cluster.apiVersion !== 'postgresql.cnpg.io/v1' || cluster.kind !== 'Cluster') problems.push('not a postgresql.cnpg.io/v1 Cluster');
  if (cluster.metadata?.namespace !== 'secretsstore') problems.push('not in the secretsstore namespace');
  if (!Number.isInteger(spec.instances) || spec.instances < 2) problems.push('fewer than two instances: nothing to fail over to');
  const synchronous = spec.postgresql?.synchronous;
  if (!(synchronous && ['any', 'first'].includes(synchronous.method) && Number.isInteger(synchronous.number)
    && synchronous.number >= 1 && synchronous.number < spec.instances)) {
    problems.push('no synchronous standby: an acknowledged write could be lost with the primary');
  }
  const commit = spec.postgresql?.parameters?.synchronous_commit;
  if (commit !== undefined && !['on', 'remote_apply'].includes(commit)) problems.push(`synchronous_commit ${commit} acknowledges before a standby has the write`);
  if (spec.bootstrap?.initdb?.database !== 'secretsstore' || !spec.bootstrap?.initdb?.owner) problems.push('no secretsstore database with an owner at bootstrap');
  const runtime = (spec.managed?.roles ?? []).find((r) => r.name === 'secretsstore_runtime');
  if (!runtime || runtime.login !== true || runtime.superuser !== false || !runtime.passwordSecret?.name) {
    problems.push('no runtime role logging in, unprivileged, with its password from a Secret');
  }
  return problems;
}

test('deploy/kubernetes/cloudnative-pg holds a Cluster with a synchronous standby, the database and the runtime role', () => {
  assert.equal(cloudNativePgObjects.length, 1);
  assert.deepEqual(cloudNativePgProblems(cloudNativePgObjects[0]), []);
});

test('the CloudNativePG check rejects a Cluster without a synchronous standby, with one instance and a privileged runtime role', () => {
  const broken = clone(cloudNativePgObjects[0]);
  delete broken.spec.postgresql.synchronous;
  broken.spec.instances = 1;
  broken.spec.postgresql.parameters.synchronous_commit = 'local';
  broken.spec.managed.roles[0].superuser = true;
  assert.deepEqual(cloudNativePgProblems(broken), [
    'fewer than two instances: nothing to fail over to',
    'no synchronous standby: an acknowledged write could be lost with the primary',
    'synchronous_commit local acknowledges before a standby has the write',
    'no runtime role logging in, unprivileged, with its password from a Secret',
  ]);
});

test('the schema check rejects a Deployment with a wrong type and a missing field', async () => {
  const broken = clone(deployment);
  broken.spec.replicas = 'three';
  delete broken.spec.selector;
  const errors = (await kubernetesSchemaErrors(broken)).join('\n');
  assert.match(errors, /replicas must be integer/);
  assert.match(errors, /required property selector/);
});

test('the strict check rejects a misspelt field', () => {
  const broken = clone(deployment);
  broken.spec.template.spec.containers[0].livenesProbe = broken.spec.template.spec.containers[0].livenessProbe;
  assert.deepEqual(kubernetesUnknownFields(broken), [
    'Deployment.spec.template.spec.containers[0].livenesProbe is not a field of V1Container',
  ]);
});

test('a kind without a schema is reported, not passed', async () => {
  const errors = await kubernetesSchemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
  assert.deepEqual(errors, ['no schema for example.com/v1 Widget']);
});

test('deploy/compose.yaml matches the compose-spec schema', () => {
  assert.deepEqual(composeSchemaErrors(compose), []);
});

test('the compose check rejects an unknown service key and a wrong type', () => {
  const broken = clone(compose);
  broken.services.silo.helthcheck = { test: ['CMD', 'true'] };
  broken.services.balancer.ports = '8787:8787';
  const errors = composeSchemaErrors(broken).join('\n');
  assert.match(errors, /\/services\/silo must NOT have additional properties \(helthcheck\)/);
  assert.match(errors, /\/services\/balancer\/ports must be array/);
});

test('the probes use the service\'s health routes: liveness /healthz, readiness /readyz', () => {
  for (const route of ['/healthz', '/readyz']) {
    assert.ok(healthApi.includes(`MapGet("${route}"`), `HealthApi.cs maps no ${route}`);
  }
  for (const container of [silo(), gateway()]) {
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(container.startupProbe.httpGet.path, '/healthz');
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
  }
  assert.match(dockerfile, /^HEALTHCHECK .*healthcheck\.sh", "\/healthz"\]$/m);
  assert.match(haproxy, /^\s*http-check send meth GET uri \/readyz\b/m);
  assert.match(haproxy, /^\s*http-check expect status 200$/m);
});

test('the grace period covers the preStop pause and the silo\'s ~10 s stop', () => {
  const [command, seconds] = silo().lifecycle.preStop.exec.command;
  assert.equal(command, 'sleep');
  const grace = deployment.spec.template.spec.terminationGracePeriodSeconds;
  assert.ok(grace >= Number(seconds) + 10 + 5, `terminationGracePeriodSeconds ${grace} leaves too little after a ${seconds} s preStop`);
  assert.ok(grace <= 60, `terminationGracePeriodSeconds ${grace} would hold a stuck pod for minutes`);
});

test('master key, admin token and connection string come from a Secret, never from a value', () => {
  const env = new Map(silo().env.map((e) => [e.name, e]));
  for (const name of ['SecretsStore__MasterKey', 'SecretsStore__AdminToken', 'ConnectionStrings__Postgres']) {
    assert.ok(env.get(name)?.valueFrom?.secretKeyRef, `${name} is not read from a Secret`);
    assert.equal(env.get(name).value, undefined);
  }
  assert.equal(named('Secret').length, 0, 'a Secret manifest would put key material in git');
});

test('the gateways run in the gateway role, without the master key, and the silos in the silo role', () => {
  const env = (container) => new Map(container.env.map((e) => [e.name, e]));
  assert.equal(env(gateway()).get('SecretsStore__Role').value, 'gateway');
  assert.equal(env(silo()).get('SecretsStore__Role').value, 'silo');
  assert.ok(!env(gateway()).has('SecretsStore__MasterKey'), 'a gateway never needs the master key');
  for (const name of ['SecretsStore__AdminToken', 'ConnectionStrings__Postgres']) {
    assert.ok(env(gateway()).get(name)?.valueFrom?.secretKeyRef, `the gateway's ${name} is not read from a Secret`);
  }
  assert.equal(compose.services.gateway.environment.SecretsStore__Role, 'gateway');
  assert.equal(compose.services.silo.environment.SecretsStore__Role, 'silo');
  assert.equal(compose.services.gateway.environment.SecretsStore__MasterKey, undefined);
});

test('Orleans\' Kubernetes hosting is switched on and its labels match the cluster ids', () => {
  const env = Object.fromEntries(silo().env.filter((e) => 'value' in e).map((e) => [e.name, e.value]));
  const labels = deployment.spec.template.metadata.labels;
  assert.equal(env.Orleans__Kubernetes__Enabled, 'true');
  assert.equal(labels['orleans/serviceId'], env.ORLEANS_SERVICE_ID);
  assert.equal(labels['orleans/clusterId'], env.ORLEANS_CLUSTER_ID);
  const fromFields = Object.fromEntries(silo().env.filter((e) => e.valueFrom?.fieldRef).map((e) => [e.name, e.valueFrom.fieldRef.fieldPath]));
  assert.deepEqual(fromFields, { POD_NAME: 'metadata.name', POD_NAMESPACE: 'metadata.namespace', POD_IP: 'status.podIP' });
  // $(POD_IP) is expanded only when POD_IP is defined earlier in the list.
  const names = silo().env.map((e) => e.name);
  assert.equal(env.Orleans__AdvertisedIP, '$(POD_IP)');
  assert.ok(names.indexOf('POD_IP') < names.indexOf('Orleans__AdvertisedIP'));
});

test('the Role grants what the Kubernetes hosting calls, to the Deployment\'s service account', () => {
  const [role] = named('Role');
  const [binding] = named('RoleBinding');
  const pods = role.rules.find((r) => r.resources.includes('pods'));
  assert.deepEqual([...pods.verbs].sort(), ['get', 'list', 'patch', 'watch']);
  assert.equal(binding.roleRef.name, role.metadata.name);
  assert.ok(binding.subjects.some((s) => s.kind === 'ServiceAccount' && s.name === deployment.spec.template.spec.serviceAccountName));
});

test('the Service selects the gateway pods only, and each Deployment has a PodDisruptionBudget', () => {
  const [service] = named('Service');
  assert.ok(podsOf(service.spec.selector, gatewayDeployment));
  assert.ok(!podsOf(service.spec.selector, deployment), 'the Service would send requests to silos, which serve no API');
  for (const workload of [deployment, gatewayDeployment]) {
    assert.equal(named('PodDisruptionBudget').filter((b) => podsOf(b.spec.selector.matchLabels, workload)).length, 1);
  }
  for (const { object } of manifests.filter((m) => m.object.kind !== 'Namespace')) {
    assert.equal(object.metadata.namespace, 'secretsstore', `${object.kind} ${object.metadata.name} has no namespace`);
  }
});

test('compose runs PostgreSQL, three silos, two gateways and a balancer in front of the gateways, with secrets that must be set', () => {
  assert.equal(compose.services.silo.deploy.replicas, 3);
  assert.equal(compose.services.gateway.deploy.replicas, 2);
  assert.ok(compose.services.postgres && compose.services.balancer);
  assert.match(haproxy, /server-template gateway \d+ gateway:8080\b/);
  assert.doesNotMatch(haproxy, /server-template silo\b/);
  const environment = compose.services.silo.environment;
  for (const name of ['SecretsStore__MasterKey', 'SecretsStore__AdminToken', 'ConnectionStrings__Postgres']) {
    assert.match(String(environment[name]), /\$\{[A-Z_]+:\?[^}]+\}/, `${name} does not fail when its variable is unset`);
  }
});

test('the image is multi-stage, runs unprivileged and listens where the checks look', () => {
  assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2, 'not multi-stage');
  assert.match(dockerfile, /^USER \$APP_UID$/m);
  assert.match(dockerfile, /ASPNETCORE_URLS=http:\/\/\+:8080\b/);
  assert.equal(silo().ports.find((p) => p.name === 'http').containerPort, 8080);
});

test('every setting the deploy files set is in the configuration reference', () => {
  const files = [
    dockerfile,
    readFileSync(join(deploy, 'compose.yaml'), 'utf8'),
    ...readdirSync(join(deploy, 'docker')).map((f) => readFileSync(join(deploy, 'docker', f), 'utf8')),
    ...manifestFiles.map((f) => readFileSync(join(kubernetesFolder, f), 'utf8')),
  ];
  const settings = new Set(files.flatMap((text) => text.match(/\b(?:SecretsStore|Orleans|ConnectionStrings|ASPNETCORE|Logging|DOTNET)_{1,2}[A-Za-z_]+\b|\b(?:POD_NAME|POD_NAMESPACE|POD_IP|ORLEANS_SERVICE_ID|ORLEANS_CLUSTER_ID)\b/g) ?? []));
  const missing = [...settings].filter((s) => !configurationReference.includes(`\`${s}\``));
  assert.deepEqual(missing, []);
});

test('haproxy.cfg is a valid HAProxy configuration', () => {
  // haproxy -c parses and checks everything without starting; scripts/ensure-prerequisites.sh installs it.
  const output = execFileSync('haproxy', ['-c', '-f', join(deploy, 'haproxy.cfg')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  assert.match(output, /Configuration file is valid/);
});

test('the README links the deploy guide and the configuration reference', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  assert.match(readme, /\]\(deploy\/README\.md\)/);
  assert.match(readme, /\]\(docs\/configuration\.md\)/);
  assert.match(readFileSync(join(deploy, 'README.md'), 'utf8'), /\]\(\.\.\/docs\/configuration\.md\)/);
});

// --- Cluster TLS (issue 16, finding 1): the Orleans ports take only the cluster's own processes. ---

const clusterMount = '/etc/secretsstore/cluster';
const clusterSettings = ['SecretsStore__Cluster__CertificateFile', 'SecretsStore__Cluster__KeyFile', 'SecretsStore__Cluster__CaFile'];
const orleansPorts = [11111, 30000];

test('silos and gateways read their cluster certificate from a Secret, mounted read-only and readable by no other user', () => {
  for (const [workload, container] of [[deployment, silo()], [gatewayDeployment, gateway()]]) {
    const pod = workload.spec.template.spec;
    const env = Object.fromEntries(container.env.filter((e) => 'value' in e).map((e) => [e.name, e.value]));
    const mount = container.volumeMounts.find((m) => m.mountPath === clusterMount);
    assert.ok(mount?.readOnly, `${container.name} does not mount ${clusterMount} read-only`);
    const volume = pod.volumes.find((v) => v.name === mount.name);
    assert.equal(volume.secret?.secretName, 'secretsstore-cluster-tls');
    assert.equal(volume.secret.defaultMode & 0o007, 0, 'the certificate key would be readable by every user of the pod');
    assert.equal(pod.securityContext.fsGroup, pod.securityContext.runAsGroup, 'the container user could not read its certificate');
    assert.deepEqual(clusterSettings.map((name) => env[name]), ['tls.crt', 'tls.key', 'ca.crt'].map((f) => `${clusterMount}/${f}`));
  }
});

test('the cert-manager example makes that Secret from a CA Issuer, for both ends of a connection', () => {
  const certificates = certManagerObjects.map((o) => o.object).filter((o) => o.kind === 'Certificate');
  const issuers = certManagerObjects.map((o) => o.object).filter((o) => o.kind === 'Issuer');
  const members = certificates.find((c) => c.spec.secretName === 'secretsstore-cluster-tls');
  assert.ok(members, 'no Certificate writes the Secret the pods mount');
  assert.ok(!members.spec.isCA);
  for (const usage of ['server auth', 'client auth']) {
    assert.ok(members.spec.usages.includes(usage), `the members' certificate lacks ${usage}`);
  }
  const issuer = issuers.find((i) => i.metadata.name === members.spec.issuerRef.name);
  assert.ok(issuer?.spec.ca, 'the members are not signed by a CA Issuer');
  const ca = certificates.find((c) => c.spec.secretName === issuer.spec.ca.secretName);
  assert.ok(ca?.spec.isCA, 'the CA Issuer does not sign with a CA certificate made here');
  for (const object of certManagerObjects) {
    assert.equal(object.object.metadata.namespace, 'secretsstore');
  }
});

/** What a NetworkPolicy lets reach the silos' Orleans ports beyond silo (11111) and gateway (30000) pods. */
function orleansPortProblems(policy) {
  const problems = [];
  if (!podsOf(policy.spec.podSelector.matchLabels ?? {}, deployment) || !policy.spec.policyTypes?.includes('Ingress')) {
    return ['does not restrict ingress to the silo pods'];
  }
  const allowed = { 11111: deployment, 30000: gatewayDeployment };
  for (const [i, rule] of (policy.spec.ingress ?? []).entries()) {
    const ports = rule.ports?.map((p) => p.port);
    for (const port of ports === undefined ? orleansPorts : ports.filter((p) => orleansPorts.includes(p))) {
      const peers = rule.from ?? [];
      if (peers.length === 0) {
        problems.push(`rule ${i} opens ${port} to everyone`);
      }
      for (const peer of peers) {
        if (peer.ipBlock || peer.namespaceSelector || !peer.podSelector || !podsOf(peer.podSelector.matchLabels ?? {}, allowed[port])) {
          problems.push(`rule ${i} opens ${port} to ${JSON.stringify(peer)}`);
        }
      }
    }
  }
  return problems;
}

test('a NetworkPolicy opens the silo port to silo pods and the gateway port to gateway pods, and to no one else', () => {
  const policies = named('NetworkPolicy').filter((p) => podsOf(p.spec.podSelector.matchLabels ?? {}, deployment));
  assert.equal(policies.length, 1);
  assert.deepEqual(orleansPortProblems(policies[0]), []);
  const reachable = (port, from) => policies[0].spec.ingress.some((rule) =>
    rule.ports.some((p) => p.port === port) && rule.from?.some((peer) => podsOf(peer.podSelector.matchLabels, from)));
  assert.ok(reachable(11111, deployment), 'the silos could not reach each other');
  assert.ok(reachable(30000, gatewayDeployment), 'the gateways could not reach the silos');
  const ports = silo().ports.map((p) => p.containerPort);
  assert.ok(orleansPorts.every((p) => ports.includes(p)), 'the policy names ports the silo does not listen on');
});

test('the NetworkPolicy check catches a rule open to everyone, another namespace or the wrong pods', () => {
  const [policy] = named('NetworkPolicy');
  const open = clone(policy);
  open.spec.ingress.push({ ports: [{ protocol: 'TCP', port: 30000 }] });
  assert.deepEqual(orleansPortProblems(open), [`rule ${open.spec.ingress.length - 1} opens 30000 to everyone`]);
  const anyPort = clone(policy);
  anyPort.spec.ingress.push({ from: [{ namespaceSelector: {} }] });
  assert.equal(orleansPortProblems(anyPort).length, 2);
  const gatewaysOnSiloPort = clone(policy);
  gatewaysOnSiloPort.spec.ingress[0].from = [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'gateway' } } }];
  assert.match(orleansPortProblems(gatewaysOnSiloPort).join('\n'), /rule 0 opens 11111/);
});

test('no process of the image or the manifests opens .NET\'s diagnostics port', () => {
  assert.match(dockerfile, /^\s*DOTNET_EnableDiagnostics=0\b/m);
  for (const container of [silo(), gateway()]) {
    assert.equal(container.env.find((e) => e.name === 'DOTNET_EnableDiagnostics')?.value, '0', container.name);
  }
  for (const service of ['silo', 'gateway']) {
    assert.equal(String(compose.services[service].environment.DOTNET_EnableDiagnostics), '0', service);
  }
});

test('the image exposes the HTTP port only', () => {
  const exposed = (dockerfile.match(/^EXPOSE .*$/gm) ?? []).flatMap((line) => line.split(/\s+/).slice(1));
  assert.deepEqual(exposed, ['8080']);
});

test('compose publishes no Orleans port, keeps the silos off the balancer\'s network, and hands silos and gateways their certificates', () => {
  for (const [name, service] of Object.entries(compose.services)) {
    for (const port of service.ports ?? []) {
      const target = Number(typeof port === 'object' ? port.target : String(port).split(':').pop().split('/')[0]);
      assert.ok(!orleansPorts.includes(target), `${name} publishes ${target}`);
    }
  }
  assert.deepEqual(Object.keys(compose.services).filter((n) => compose.services[n].ports), ['balancer']);
  const balancerNetworks = compose.services.balancer.networks;
  assert.ok(!compose.services.silo.networks.some((n) => balancerNetworks.includes(n)), 'the balancer could reach the silos');
  assert.ok(!compose.services.postgres.networks.some((n) => balancerNetworks.includes(n)), 'the balancer could reach PostgreSQL');

  const init = compose.services['cluster-certificates'];
  const initVolume = init.volumes.find((v) => String(v).endsWith(`:${clusterMount}`));
  assert.ok(init.entrypoint.includes('cluster-certificates') && init.entrypoint.includes(clusterMount));
  assert.equal(String(initVolume).split(':')[0], 'cluster-certificates');
  for (const name of ['silo', 'gateway']) {
    const service = compose.services[name];
    const mount = service.volumes.find((v) => v.target === clusterMount);
    assert.equal(mount?.source, 'cluster-certificates', `${name} does not mount the cluster certificates`);
    assert.equal(mount.read_only, true);
    assert.equal(service.depends_on['cluster-certificates']?.condition, 'service_completed_successfully');
    assert.deepEqual(clusterSettings.map((s) => service.environment[s]), ['tls.crt', 'tls.key', 'ca.crt'].map((f) => `${clusterMount}/${f}`));
  }
});
