// Schema checks for deploy/, all offline: the schemas come from the npm packages pinned in package-lock.json.
//  - Kubernetes: kubernetes-models carries the Kubernetes API's OpenAPI schemas compiled into validators (types,
//    required fields, enums, formats). Like the API server, those schemas allow fields they do not define, so a
//    misspelt field (livenesProbe) would pass; the strict check below rejects it, as kubectl's strict validation
//    does, using the field lists of the official client's models (@kubernetes/client-node), generated from the same
//    OpenAPI document.
//  - cert-manager's resources (the example under deploy/kubernetes/cert-manager/): @kubernetes-models/cert-manager
//    compiles cert-manager's CRD schemas the same way (types, required fields, enums). The official client has no
//    field lists for them, so the strict check does not apply there.
//  - Compose: the compose-spec JSON schema that dclint ships, checked with ajv.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseAllDocuments, parse } from 'yaml';
import Ajv from 'ajv';
// The models alone: the package's index also loads its HTTP client, which needs a newer Node than CI's.
import * as clientModels from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';

const require = createRequire(import.meta.url);

/** Every YAML document of a file, as plain data; YAML syntax errors throw. */
export function readYamlDocuments(path) {
  const documents = parseAllDocuments(readFileSync(path, 'utf8'));
  for (const document of documents) {
    if (document.errors.length > 0) {
      throw new Error(`${path}: ${document.errors.map((e) => e.message).join('; ')}`);
    }
  }
  return documents.map((d) => d.toJS()).filter((d) => d !== null);
}

/** A compose file as compose reads it: merge keys (<<: *anchor) resolved. */
export function readCompose(path) {
  return parse(readFileSync(path, 'utf8'), { merge: true });
}

/** "apps/v1" → ["apps", "v1"]; "v1" → [null, "v1"]. */
function splitApiVersion(apiVersion) {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? [null, apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/** The kubernetes-models class for a manifest's apiVersion and kind, or null when the package has none. */
async function modelFor(apiVersion, kind) {
  const [group, version] = splitApiVersion(apiVersion);
  const path = group === null
    ? `kubernetes-models/${version}/${kind}`
    : group.endsWith('cert-manager.io')
      ? `@kubernetes-models/cert-manager/${group}/${version}/${kind}`
      : `kubernetes-models/${group}/${version}/${kind}`;
  try {
    const module = await import(path);
    return module[kind] ?? null;
  } catch (error) {
    if (error.code === 'ERR_MODULE_NOT_FOUND' || error.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
      return null;
    }
    throw error;
  }
}

/** Schema errors of one Kubernetes object (empty when valid). */
export async function kubernetesSchemaErrors(manifest) {
  if (typeof manifest?.apiVersion !== 'string' || typeof manifest?.kind !== 'string') {
    return ['apiVersion and kind must be strings'];
  }
  const Model = await modelFor(manifest.apiVersion, manifest.kind);
  if (Model === null) {
    return [`no schema for ${manifest.apiVersion} ${manifest.kind}`];
  }
  try {
    new Model(manifest).validate();
    return [];
  } catch (error) {
    return [error.message];
  }
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

function collectUnknownFields(value, type, path, found) {
  if (value === null || value === undefined) {
    return;
  }
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) {
      value.forEach((item, i) => collectUnknownFields(item, array[1], `${path}[${i}]`, found));
    }
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (isObject(value)) {
      for (const [key, item] of Object.entries(value)) {
        collectUnknownFields(item, map[1], `${path}.${key}`, found);
      }
    }
    return;
  }
  const model = clientModels[type];
  // Scalars, IntOrString, Quantity and free-form objects have no field list; wrong types are the schema's to report.
  if (typeof model?.getAttributeTypeMap !== 'function' || !isObject(value)) {
    return;
  }
  const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  for (const [key, item] of Object.entries(value)) {
    if (fields.has(key)) {
      collectUnknownFields(item, fields.get(key), `${path}.${key}`, found);
    } else {
      found.push(`${path}.${key} is not a field of ${type}`);
    }
  }
}

/** Fields the Kubernetes API does not define for this object (empty when there are none). */
export function kubernetesUnknownFields(manifest) {
  const [, version] = splitApiVersion(manifest.apiVersion);
  const type = `${version[0].toUpperCase()}${version.slice(1)}${manifest.kind}`;
  if (typeof clientModels[type]?.getAttributeTypeMap !== 'function') {
    return [`no field list for ${manifest.apiVersion} ${manifest.kind}`];
  }
  const found = [];
  collectUnknownFields(manifest, type, manifest.kind, found);
  return found;
}

let composeValidator;

/** Schema errors of a compose file (empty when valid). */
export function composeSchemaErrors(compose) {
  if (!composeValidator) {
    const schemaPath = join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
    // The compose spec uses annotations (deprecated, …) that ajv's strict mode would refuse as unknown keywords.
    const ajv = new Ajv({ allErrors: true, strict: false });
    // It names draft-07 by an https URL that ajv does not know by that name; ajv's default meta-schema is draft-07.
    const { $schema, ...schema } = JSON.parse(readFileSync(schemaPath, 'utf8'));
    if (!String($schema).includes('draft-07')) {
      throw new Error(`the compose schema is now ${$schema}: choose the matching ajv class`);
    }
    composeValidator = ajv.compile(schema);
  }
  return composeValidator(compose)
    ? []
    : composeValidator.errors.map((e) => `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : ''}`);
}
