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
  for (const kind of ['Namespace', 'ServiceAccount', 'Role', 'RoleBinding', 'Deployment', 'Service', 'PodDisruptionBudget']) {
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
  const settings = new Set(files.flatMap((text) => text.match(/\b(?:SecretsStore|Orleans|ConnectionStrings|ASPNETCORE|Logging)_{1,2}[A-Za-z_]+\b|\b(?:POD_NAME|POD_NAMESPACE|POD_IP|ORLEANS_SERVICE_ID|ORLEANS_CLUSTER_ID)\b/g) ?? []));
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
