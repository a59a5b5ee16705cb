import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { repoRoot } from '../../envoy/generated-files.js';
import { prometheusRuleSchema } from './prometheus-rule-schema.js';
import { yamlDocumentsOf } from './repo-files.js';

/**
 * The published schemas of the versions the docs name (vendored in mesh/test/schemas, sources in its
 * README), made strict the way kubeconform's `-strict` schemas are: an object schema that lists its
 * properties refuses any other key, unless Kubernetes keeps unknown fields there.
 */
export const kubernetesVersion = 'v1.35.0';
const schemasDir = join(repoRoot, 'mesh/test/schemas');
const crdFiles = [
  'istio-1.30.3/crd-all.gen.yaml',
  'keda-v2.20.2/keda.sh_scaledobjects.yaml',
  'cloudnative-pg-v1.30.0/postgresql.cnpg.io_clusters.yaml',
  'cloudnative-pg-v1.30.0/postgresql.cnpg.io_scheduledbackups.yaml',
  'cloudnative-pg-v1.30.0/postgresql.cnpg.io_databases.yaml',
];

type Schema = Record<string, unknown>;

/** additionalProperties: false on every object schema with properties, as kubeconform's strict mode. */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (typeof node !== 'object' || node === null) return node;
  const schema = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === 'enum' || key === 'default' || key === 'example' ? value : strict(value)]));
  const closes = 'properties' in schema && !('additionalProperties' in schema) && schema['x-kubernetes-preserve-unknown-fields'] !== true;
  return closes ? { ...schema, additionalProperties: false } : schema;
}

/** A Go duration as Kubernetes' CEL `duration()` parses it ("5s", "1m30s", "0.8s"). */
const goDuration = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/u;
const unitNanos: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
function durationNanos(text: string): number {
  return [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gu)].reduce((sum, [, amount, unit]) => sum + Number(amount) * (unitNanos[unit ?? 's'] ?? 0), 0);
}
const durationBound = /^duration\(self\) (>=|>|<=|<) duration\('([^']+)'\)$/u;

/**
 * The CEL rules of `x-kubernetes-validations` that Istio's CRDs use on durations, checked as the API
 * server would: `duration(self)` must parse, and a bound against a literal duration must hold.
 * Other CEL rules are not evaluated here.
 */
function durationRulesHold(rules: unknown, data: unknown): boolean {
  if (typeof data !== 'string' || !Array.isArray(rules)) return true;
  return rules.every((entry) => {
    const rule = typeof entry === 'object' && entry !== null ? (entry as Schema)['rule'] : undefined;
    if (typeof rule !== 'string' || !rule.includes('duration(self)')) return true;
    if (!goDuration.test(data)) return false;
    const bound = durationBound.exec(rule);
    if (bound === null) return true;
    const [, op, limit = '0s'] = bound;
    const value = durationNanos(data);
    const other = durationNanos(limit);
    return op === '>=' ? value >= other : op === '>' ? value > other : op === '<=' ? value <= other : value < other;
  });
}

function compiler(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addKeyword({ keyword: 'x-kubernetes-validations', errors: false, validate: durationRulesHold });
  return ajv;
}

interface Loaded {
  validators: Map<string, ValidateFunction>;
  objectMeta: ValidateFunction;
}
let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded !== undefined) return loaded;
  const ajv = compiler();
  const raw = JSON.parse(readFileSync(join(schemasDir, `kubernetes-${kubernetesVersion}/_definitions.json`), 'utf8')) as { definitions: Record<string, Schema> };
  ajv.addSchema({ $id: 'kubernetes', definitions: strict(raw.definitions) });
  const validators = new Map<string, ValidateFunction>();
  const reference = (name: string): ValidateFunction => ajv.compile({ $ref: `kubernetes#/definitions/${name}` });
  for (const [name, definition] of Object.entries(raw.definitions)) {
    const kinds = (definition['x-kubernetes-group-version-kind'] ?? []) as { group: string; version: string; kind: string }[];
    for (const { group, version, kind } of kinds) validators.set(gvk(group === '' ? version : `${group}/${version}`, kind), reference(name));
  }
  const objectMeta = reference('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
  for (const file of crdFiles) {
    for (const crd of yamlDocumentsOf(readFileSync(join(schemasDir, file), 'utf8'), file) as CustomResourceDefinition[]) {
      if (crd.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        const schema = strict(version.schema.openAPIV3Schema) as Schema;
        const properties = { ...(schema['properties'] as Schema), apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
        validators.set(gvk(`${crd.spec.group}/${version.name}`, crd.spec.names.kind), ajv.compile({ ...schema, properties }));
      }
    }
  }
  validators.set(gvk('monitoring.coreos.com/v1', 'PrometheusRule'), ajv.compile(prometheusRuleSchema));
  loaded = { validators, objectMeta };
  return loaded;
}

interface CustomResourceDefinition {
  kind: string;
  spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
}

const gvk = (apiVersion: string, kind: string): string => `${apiVersion}/${kind}`;

/**
 * Problems of one object against the strict schema of its apiVersion and kind (a Kubernetes type, or
 * a custom resource of Istio, KEDA or CloudNativePG, or the prometheus-operator's PrometheusRule (prometheus-rule-schema.ts), whose metadata is checked as Kubernetes' ObjectMeta).
 */
export function strictSchemaProblems(object: { apiVersion: string; kind: string; metadata?: unknown }, name: string): string[] {
  const { validators, objectMeta } = load();
  const validate = validators.get(gvk(object.apiVersion, object.kind));
  if (validate === undefined) return [`${name}: no schema known for ${object.apiVersion} ${object.kind}`];
  const problems = (check: ValidateFunction, value: unknown, at: string): string[] =>
    check(value) ? [] : (check.errors ?? []).map((error) => `${name}: ${at}${error.instancePath} ${error.message ?? 'is invalid'}${error.keyword === 'additionalProperties' ? ` (${String(error.params['additionalProperty'])})` : ''}`);
  return [...problems(validate, object, ''), ...problems(objectMeta, object.metadata, '/metadata')];
}
