import { getOption, hasOption, isMessage, toJson, type DescExtension, type DescMessage, type DescMethod, type JsonValue, type Registry } from '@bufbuild/protobuf';

/** One REST binding of a gRPC method: a google.api.HttpRule or one of its additional_bindings. */
export interface HttpBinding {
  /** GET, POST, PUT, PATCH, DELETE, or a custom rule's kind as written. */
  httpMethod: string;
  pathTemplate: string;
  /** '' (no body), '*' (the whole request) or a request field path. */
  body: string;
  /** '' (the whole response) or a response field path. */
  responseBody: string;
}

export class HttpRuleError extends Error {
  constructor(method: DescMethod, problem: string) {
    super(`${method.parent.typeName}.${method.name}: google.api.http ${problem}`);
    this.name = 'HttpRuleError';
  }
}

interface HttpRuleSchemas {
  extension: DescExtension;
  rule: DescMessage;
}

/** The google.api.http extension as the descriptor set declares it (annotations.proto is an import). */
export function httpRuleSchemas(registry: Registry): HttpRuleSchemas {
  const extension = registry.getExtension('google.api.http');
  const rule = registry.getMessage('google.api.HttpRule');
  if (extension === undefined || rule === undefined) {
    throw new Error('the descriptor set has no google/api/annotations.proto: build it with its imports (`make proto`)');
  }
  return { extension, rule };
}

/** Every binding of `method`, the main rule first; none when the method has no google.api.http option. */
export function httpBindings(method: DescMethod, schemas: HttpRuleSchemas): HttpBinding[] {
  if (!hasOption(method, schemas.extension)) return [];
  const rule = getOption(method, schemas.extension);
  if (!isMessage(rule, schemas.rule)) throw new HttpRuleError(method, 'is not a google.api.HttpRule');
  const main = asObject(toJson(schemas.rule, rule, { useProtoFieldName: true }));
  const additional = main.additional_bindings ?? [];
  if (!Array.isArray(additional)) throw new HttpRuleError(method, 'additional_bindings is not a list');
  return [
    toBinding(method, main),
    ...additional.map((entry) => {
      const binding = asObject(entry);
      if (binding.additional_bindings !== undefined) {
        throw new HttpRuleError(method, 'additional_bindings may not nest (one level only)');
      }
      return toBinding(method, binding);
    }),
  ];
}

type RuleJson = Readonly<Record<string, JsonValue | undefined>>;

const verbs = ['get', 'put', 'post', 'delete', 'patch'] as const;

function toBinding(method: DescMethod, rule: RuleJson): HttpBinding {
  const body = optionalString(rule.body);
  const responseBody = optionalString(rule.response_body);
  for (const verb of verbs) {
    const path = rule[verb];
    if (typeof path === 'string') return { httpMethod: verb.toUpperCase(), pathTemplate: path, body, responseBody };
  }
  if (rule.custom !== undefined) {
    const custom = asObject(rule.custom);
    const kind = optionalString(custom.kind);
    const path = optionalString(custom.path);
    if (kind === '' || path === '') throw new HttpRuleError(method, 'custom pattern needs both kind and path');
    return { httpMethod: kind, pathTemplate: path, body, responseBody };
  }
  throw new HttpRuleError(method, 'has no pattern (get, put, post, delete, patch or custom)');
}

function asObject(value: JsonValue | undefined): RuleJson {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return value;
}

function optionalString(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : '';
}
