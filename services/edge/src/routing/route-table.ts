import type { DescField, DescMessage, DescMethod, Registry } from '@bufbuild/protobuf';
import { resolveFieldPath } from '#kit/access/field-path.js';
import { httpBindings, httpRuleSchemas, type HttpBinding } from '../descriptors/http-rules.js';
import { valueType } from '../descriptors/value-type.js';
import { urlBindingProblem } from '../transcode/url-value.js';
import { isMoreSpecific, matchRanks, pathVariableValues, splitRequestPath } from './path-matcher.js';
import { parsePathTemplate, type PathTemplate } from './path-template.js';

/** Where the HTTP body goes: nowhere declared, the whole request message (`*`), or one field of it. */
export type RequestBody = { kind: 'none' } | { kind: 'whole' } | { kind: 'field'; fields: readonly DescField[] };

/** One REST binding of one gRPC method, checked against the descriptors. */
export interface Route {
  method: DescMethod;
  /** The gRPC path the call goes to: /package.Service/Method. */
  grpcPath: string;
  httpMethod: string;
  template: PathTemplate;
  body: RequestBody;
  /** The request field each template variable binds, in template order. */
  variableFields: readonly (readonly DescField[])[];
}

export interface BoundValue {
  fields: readonly DescField[];
  value: string;
}

export interface RouteMatch {
  route: Route;
  pathValues: BoundValue[];
}

export class RouteTableError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the local edge cannot serve these google.api.http rules:\n  ${problems.join('\n  ')}`);
    this.name = 'RouteTableError';
  }
}

/**
 * Every REST route of the given gRPC services, from their google.api.http rules (and
 * additional_bindings). Building it checks every rule, so a rule the edge cannot serve stops the
 * edge at start with all problems listed, instead of failing requests later.
 */
export class RouteTable {
  private readonly verbs: ReadonlySet<string>;
  /** The routes of each HTTP method: a request is matched against its method's alone. */
  private readonly byHttpMethod = new Map<string, Route[]>();

  private constructor(readonly routes: readonly Route[]) {
    this.verbs = new Set(routes.map((route) => route.template.verb).filter((verb) => verb !== ''));
    for (const route of routes) {
      const same = this.byHttpMethod.get(route.httpMethod);
      if (same === undefined) this.byHttpMethod.set(route.httpMethod, [route]);
      else same.push(route);
    }
  }

  /** `reservedGetPaths` are the edge's own endpoints (health): no GET rule may shadow them. */
  static build(registry: Registry, serviceNames: readonly string[], reservedGetPaths: readonly string[] = []): RouteTable {
    const schemas = httpRuleSchemas(registry);
    const problems: string[] = [];
    const routes: Route[] = [];
    for (const serviceName of serviceNames) {
      const service = registry.getService(serviceName);
      if (service === undefined) {
        problems.push(`could not find the service ${serviceName} in the descriptor set`);
        continue;
      }
      for (const method of service.methods) {
        try {
          for (const binding of httpBindings(method, schemas)) routes.push(compileRoute(method, binding));
        } catch (error) {
          problems.push((error as Error).message);
        }
      }
    }
    const table = new RouteTable(routes);
    problems.push(...table.duplicateProblems(), ...table.reservedPathProblems(reservedGetPaths));
    if (problems.length > 0) throw new RouteTableError(problems);
    return table;
  }

  /** The most specific route for a request, as Envoy's path matcher chooses it. */
  lookup(httpMethod: string, path: string): RouteMatch | undefined {
    const request = splitRequestPath(path, this.verbs);
    let best: { route: Route; ranks: readonly number[] } | undefined;
    for (const route of this.byHttpMethod.get(httpMethod) ?? []) {
      const ranks = matchRanks(route.template, request);
      if (ranks !== undefined && (best === undefined || isMoreSpecific(ranks, best.ranks))) best = { route, ranks };
    }
    if (best === undefined) return undefined;
    const { route } = best;
    const pathValues = pathVariableValues(route.template, request).map(({ value }, index) => ({
      fields: route.variableFields[index] ?? [],
      value,
    }));
    return { route, pathValues };
  }

  private duplicateProblems(): string[] {
    const seen = new Map<string, Route>();
    const problems: string[] = [];
    for (const route of this.routes) {
      const key = `${route.httpMethod} ${templateShape(route.template)}`;
      const earlier = seen.get(key);
      if (earlier === undefined) seen.set(key, route);
      else problems.push(`${describe(route)} and ${describe(earlier)} both match ${key}`);
    }
    return problems;
  }

  private reservedPathProblems(reservedGetPaths: readonly string[]): string[] {
    return reservedGetPaths.flatMap((path) => {
      const match = this.lookup('GET', path);
      return match === undefined ? [] : [`${describe(match.route)} shadows the edge's own GET ${path}`];
    });
  }
}

function compileRoute(method: DescMethod, binding: HttpBinding): Route {
  const where = `${method.parent.typeName}.${method.name} (${binding.httpMethod} ${binding.pathTemplate})`;
  try {
    if (method.methodKind !== 'unary') throw new Error(`${method.methodKind} methods are not served by the local edge`);
    const template = parsePathTemplate(binding.pathTemplate);
    const variableFields = template.variables.map((variable) => {
      const fields = resolveFieldPath(method.input, variable.fieldPath);
      const leaf = fields.at(-1);
      const problem = leaf === undefined ? undefined : urlBindingProblem(leaf);
      if (problem !== undefined) throw new Error(`{${variable.fieldPath.join('.')}}: ${problem}`);
      return fields;
    });
    const body = requestBody(method.input, binding.body);
    checkResponseBody(method, binding.responseBody);
    return { method, grpcPath: `/${method.parent.typeName}/${method.name}`, httpMethod: binding.httpMethod, template, body, variableFields };
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`, { cause: error });
  }
}

function requestBody(input: DescMessage, body: string): RequestBody {
  if (body === '') return { kind: 'none' };
  if (body === '*') {
    rejectHttpBody(input, 'body');
    return { kind: 'whole' };
  }
  return { kind: 'field', fields: bodyField(input, body, 'body') };
}

function bodyField(message: DescMessage, path: string, option: string): DescField[] {
  const fields = resolveFieldPath(message, path.split('.'));
  const last = fields.at(-1);
  const type = last === undefined ? undefined : valueType(last);
  if (type?.kind === 'message') rejectHttpBody(type.message, option);
  return fields;
}

/**
 * The whole response is always the HTTP body. Envoy's transcoder takes response_body only for a
 * google.api.HttpBody field (which the local edge does not serve) and refuses any other field at
 * start (envoyproxy/envoy#11136), so the local edge refuses it too, with Envoy's words: protos that
 * start here start in Envoy. A method returns the resource itself instead (AIP-131/133/134).
 */
function checkResponseBody(method: DescMethod, path: string): void {
  if (path === '') {
    rejectHttpBody(method.output, 'the response');
    return;
  }
  bodyField(method.output, path, 'response_body');
  throw new Error(`Setting "response_body" is not supported yet for non-HttpBody fields: ${method.parent.typeName}.${method.name}`);
}

function rejectHttpBody(message: DescMessage, option: string): void {
  if (message.typeName === 'google.api.HttpBody') {
    throw new Error(`${option} is a google.api.HttpBody (a raw, non-JSON body), which the local edge does not serve`);
  }
}

function templateShape(template: PathTemplate): string {
  const segments = template.segments.map((segment) => (segment.kind === 'literal' ? segment.value : segment.kind === 'single' ? '*' : '**'));
  return `/${segments.join('/')}${template.verb === '' ? '' : `:${template.verb}`}`;
}

function describe(route: Route): string {
  return `${route.method.parent.typeName}.${route.method.name} (${route.httpMethod} ${route.template.source})`;
}
