import type { DescField, DescMessage } from '@bufbuild/protobuf';
import { status } from '@grpc/grpc-js';
import { protoComment } from '../descriptors/proto-comments.js';
import { hasSpecialJson } from '../descriptors/value-type.js';
import type { Route, RouteTable } from '../routing/route-table.js';
import { httpStatusOf } from '../transcode/http-status.js';
import { urlBindingProblem } from '../transcode/url-value.js';
import type { GrpcJsonTranscoderOptions } from '../transcoding-options.js';
import type { ErrorModel } from './error-model.js';
import { JsonSchemas, type SchemaObject } from './json-schemas.js';

export interface DocumentSettings {
  options: GrpcJsonTranscoderOptions;
  serverUrl: string;
  grpcTimeoutHeaderMaxMs: number;
  errorModel: ErrorModel;
}

/**
 * An OpenAPI 3.1 document of every route the edge serves, from the same route table the edge
 * builds: paths from the templates, parameters and bodies from the rules, schemas and descriptions
 * from the messages and their comments, rendered as the chosen print options render them.
 */
export function openApiDocument(routes: RouteTable, settings: DocumentSettings): SchemaObject {
  const schemas = new JsonSchemas(settings.options.print_options);
  const errorSchema = schemas.define('google.rpc.Status', rpcStatusSchema(settings.errorModel, schemas));
  const paths: Record<string, Record<string, SchemaObject>> = {};
  const bindingsSeen = new Map<string, number>();
  for (const route of routes.routes) {
    const methodName = `${route.method.parent.name}_${route.method.name}`;
    const binding = bindingsSeen.get(methodName) ?? 0;
    bindingsSeen.set(methodName, binding + 1);
    const operationId = binding === 0 ? methodName : `${methodName}_${binding + 1}`;
    const path = openApiPath(route, schemas);
    paths[path] = { ...paths[path], [route.httpMethod.toLowerCase()]: operation(route, operationId, schemas, errorSchema) };
  }
  const services = [...new Map(routes.routes.map((route) => [route.method.parent.typeName, route.method.parent])).values()];
  const versions = [...new Set(services.map((service) => service.file.proto.package.split('.').at(-1) ?? ''))];
  return {
    openapi: '3.1.0',
    info: { title: 'Bookstore REST API', version: versions.join(', '), description: conventions(settings) },
    servers: [{ url: settings.serverUrl, description: 'the local edge (make dev); Envoy serves the same API' }],
    tags: services.map((service) => ({ name: service.name, description: protoComment(service) ?? service.typeName })),
    paths,
    components: { schemas: schemas.schemas() },
  };
}

function rpcStatusSchema({ errorInfo, badRequest, reasons }: ErrorModel, schemas: JsonSchemas): SchemaObject {
  const any = (message: DescMessage, properties: SchemaObject = {}): SchemaObject => ({
    allOf: [schemas.messageRef(message)],
    properties: { '@type': { const: `type.googleapis.com/${message.typeName}` }, ...properties },
    required: ['@type'],
  });
  return {
    type: 'object',
    description: 'An error: the gRPC status of the call (google.rpc.Status). The HTTP status follows from its code.',
    properties: {
      code: { type: 'integer', format: 'int32', description: 'The gRPC status code (google.rpc.Code), e.g. 5 for NOT_FOUND.' },
      message: { type: 'string', description: 'What went wrong, for people, naming the field at fault for bad input. Programs read the details.' },
      details: {
        type: 'array',
        description:
          'Machine-readable details, each a JSON google.protobuf.Any. A refusal of the shop has a google.rpc.ErrorInfo whose `reason` is stable; bad input also has a google.rpc.BadRequest naming the field.',
        items: { oneOf: [any(errorInfo, { reason: schemas.enumRef(reasons), domain: { const: 'bookstore' } }), any(badRequest)] },
      },
    },
  };
}

function operation(route: Route, operationId: string, schemas: JsonSchemas, errorSchema: SchemaObject): SchemaObject {
  const comment = protoComment(route.method);
  const summary = firstSentence(comment) ?? route.method.name;
  const content = (schema: SchemaObject): SchemaObject => ({ 'application/json': { schema } });
  const parameters = [...pathParameters(route, schemas), ...queryParameters(route, schemas)];
  const body = requestBodySchema(route, schemas);
  return {
    operationId,
    summary,
    ...(comment !== undefined && comment.replace(/\s+/g, ' ') !== summary ? { description: comment } : {}),
    tags: [route.method.parent.name],
    'x-grpc-method': `${route.method.parent.typeName}.${route.method.name}`,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body !== undefined ? { requestBody: { content: content(body) } } : {}),
    responses: {
      '200': { description: 'OK', content: content(schemas.messageRef(route.method.output)) },
      default: { description: 'An error, as google.rpc.Status', content: content(errorSchema) },
    },
  };
}

function firstSentence(comment: string | undefined): string | undefined {
  const text = comment?.replace(/\s+/g, ' ');
  return text === undefined ? undefined : (/^.+?[.!?](?=\s|$)/.exec(text)?.[0] ?? text);
}

function docPath(fields: readonly DescField[], schemas: JsonSchemas): string {
  return fields.map((field) => schemas.jsonName(field)).join('.');
}

function openApiPath(route: Route, schemas: JsonSchemas): string {
  const { template } = route;
  const segments: string[] = [];
  let index = 0;
  while (index < template.segments.length) {
    const variable = template.variables.findIndex((candidate) => candidate.start === index);
    if (variable !== -1) {
      segments.push(`{${docPath(route.variableFields[variable] ?? [], schemas)}}`);
      index = template.variables[variable]?.end ?? template.segments.length;
      continue;
    }
    const segment = template.segments[index];
    segments.push(segment?.kind === 'literal' ? segment.value : segment?.kind === 'single' ? '*' : '**');
    index += 1;
  }
  return `/${segments.join('/')}${template.verb === '' ? '' : `:${template.verb}`}`;
}

function pathParameters(route: Route, schemas: JsonSchemas): SchemaObject[] {
  return route.template.variables.map((variable, index) => {
    const fields = route.variableFields[index] ?? [];
    const leaf = fields.at(-1);
    const segments = route.template.segments.slice(variable.start, variable.end);
    const multiSegment = segments.length !== 1 || segments[0]?.kind !== 'single';
    const pattern = segments.map((segment) => (segment.kind === 'literal' ? segment.value : segment.kind === 'single' ? '*' : '**')).join('/');
    const comment = leaf === undefined ? undefined : protoComment(leaf);
    const description = [comment, multiSegment ? `The path segments matching \`${pattern}\`.` : undefined].filter((part) => part !== undefined).join(' ');
    return {
      name: docPath(fields, schemas),
      in: 'path',
      required: true,
      schema: leaf === undefined ? {} : schemas.fieldType(leaf),
      ...(description === '' ? {} : { description }),
    };
  });
}

/**
 * Every field a query parameter can set: the leaves of the request not bound by the path and not
 * under the body, nested ones with dotted names. A rule with body "*" takes none.
 */
function queryParameters(route: Route, schemas: JsonSchemas): SchemaObject[] {
  if (route.body.kind === 'whole') return [];
  const taken = [...route.variableFields.map((fields) => docPath(fields, schemas)), ...(route.body.kind === 'field' ? [docPath(route.body.fields, schemas)] : [])];
  const parameters: SchemaObject[] = [];
  const walk = (message: DescMessage, prefix: readonly DescField[], visiting: ReadonlySet<string>): void => {
    for (const field of message.fields) {
      const fields = [...prefix, field];
      const name = docPath(fields, schemas);
      if (taken.includes(name)) continue;
      if (urlBindingProblem(field) === undefined) {
        const comment = protoComment(field);
        parameters.push({ name, in: 'query', schema: schemas.fieldType(field), ...(comment === undefined ? {} : { description: comment }) });
      } else if (field.fieldKind === 'message' && !hasSpecialJson(field.message) && !visiting.has(field.message.typeName)) {
        walk(field.message, fields, new Set([...visiting, field.message.typeName]));
      }
    }
  };
  walk(route.method.input, [], new Set([route.method.input.typeName]));
  return parameters;
}

function requestBodySchema(route: Route, schemas: JsonSchemas): SchemaObject | undefined {
  switch (route.body.kind) {
    case 'none':
      return undefined;
    case 'whole': {
      const boundByPath = new Set(route.variableFields.filter((fields) => fields.length === 1).flatMap((fields) => fields));
      return boundByPath.size === 0 ? schemas.messageRef(route.method.input) : schemas.message(route.method.input, boundByPath);
    }
    case 'field': {
      const leaf = route.body.fields.at(-1);
      return leaf === undefined ? undefined : schemas.field(leaf);
    }
  }
}

function conventions(settings: DocumentSettings): string {
  const { options } = settings;
  const print = options.print_options;
  const codes = Object.entries(status).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
  return [
    'REST access to the bookstore\'s gRPC services, generated from the google.api.http rules and comments of the protos by `services/edge/src/openapi/generate.ts`. Envoy\'s gRPC-JSON transcoder (in a cluster) and the local edge (on one machine) serve it alike.',
    '',
    '- JSON field names are ' + (print.preserve_proto_field_names ? 'the proto field names (book_name).' : 'lowerCamelCase (bookName); requests may use the proto names too.'),
    '- 64-bit integers are JSON strings ("42"); requests may send them as numbers. Enums are ' + (print.always_print_enums_as_ints ? 'numbers.' : 'names ("PREPARED"); requests may send numbers.'),
    '- Integers in requests are decimal, as a string or an exact JSON number: "0x10", " 1", "+1", "01", fractions, values out of the field\'s range and JSON numbers past 2^53 - 1 are a 400 naming the field. The services hold ids and quantities up to 2^53 - 1 (9007199254740991) and refuse a larger int64 naming the field.',
    (print.always_print_primitive_fields ? '- Responses include every field without presence even when empty: "stock": "0", "items": [], "nextPageToken": "".' : '- Responses leave out empty fields.') +
      ' A field with presence (`optional`, such as an order\'s couponId and cancelReason) is left out when it is not set: an order without a coupon has no couponId.',
    '- Text fields refuse control characters (NUL, line breaks, escape): a 400 naming the field.',
    '- Unknown fields in a JSON body are ignored. ' + (options.ignore_unknown_query_parameters ? 'Unknown query parameters are ignored.' : 'An unknown query parameter is a 400.'),
    '- A repeated field takes one query parameter per value: `?states=WAITING&states=PREPARED`; a nested one a dotted name: `?a.b=1`.',
    options.request_validation_options.reject_binding_body_field_collisions ? '- A body value that contradicts a path variable is a 400.' : '- A body value wins over a path or query value of the same field.',
    '- An unknown path, or a method the path does not serve, is a 404.',
    `- Headers: \`x-request-id\` is returned on every response (made up when not sent); \`Authorization\`, \`traceparent\`, \`tracestate\` and other request headers reach the service; \`grpc-timeout\` (e.g. \`2S\`, \`500m\`) sets the call's deadline, at most ${settings.grpcTimeoutHeaderMaxMs / 1000} s.`,
    '',
    'Errors are a google.rpc.Status with the HTTP status of its code, e.g. `{"code": 5, "message": "book 9 not found", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "BOOK_NOT_FOUND", "domain": "bookstore", "metadata": {"bookId": "9"}}]}`. Programs branch on the ErrorInfo `reason` (bookstore.errors.v1.ErrorReason), never on the message; an INVALID_ARGUMENT also has a google.rpc.BadRequest whose field violation names the field (`bookName`) and its rule. Errors that are not refusals (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, an unknown path) have no ErrorInfo.',
    '',
    '| gRPC code | HTTP status |',
    '|---|---|',
    ...codes.map(([name, code]) => `| ${code} ${name} | ${httpStatusOf(code)} |`),
  ].join('\n');
}
