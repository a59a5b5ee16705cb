/**
 * How REST is transcoded to gRPC at the edge, declared once. The keys are Envoy's own field names
 * (envoy.extensions.filters.http.grpc_json_transcoder.v3.GrpcJsonTranscoder), so the Envoy config
 * generator in mesh/envoy spreads `grpcJsonTranscoderOptions` into the filter's typed_config (adding
 * proto_descriptor and services), and the local edge reads the very same values. A REST user then
 * cannot tell the two apart.
 *
 * Options typed as a literal (`true`, `false`, one enum name) are the only value the local edge
 * implements: changing one is a compile error until the local edge learns the other behaviour.
 */
export interface GrpcJsonTranscoderOptions {
  print_options: {
    add_whitespace: boolean;
    /** Fields without presence (proto3 scalars, enums, repeated, maps) are printed even when empty. */
    always_print_primitive_fields: boolean;
    always_print_enums_as_ints: boolean;
    preserve_proto_field_names: boolean;
  };
  /** Errors are a google.rpc.Status JSON body: {"code": 5, "message": "...", "details": []}. */
  convert_grpc_status: true;
  /** No POST /package.Service/Method JSON routes: only what the google.api.http rules declare. */
  auto_mapping: false;
  /** After transcoding, the request is routed by its gRPC path (/package.Service/Method). */
  match_incoming_request_route: false;
  ignore_unknown_query_parameters: boolean;
  /** Query parameters dropped before binding (for example a cache buster); matched by exact name. */
  ignored_query_parameters: readonly string[];
  request_validation_options: {
    /** A path or method no rule serves is answered 404 by the transcoder, not passed through. */
    reject_unknown_method: true;
    /** A query parameter that names no request field is answered 400, not passed through. */
    reject_unknown_query_parameters: true;
    /** A field bound from the URL and also given, with another value, in the body is answered 400. */
    reject_binding_body_field_collisions: boolean;
  };
  case_insensitive_enum_parsing: boolean;
  /** '+' in a query value stays '+' unless this is on (HTML form encoding). */
  query_param_unescape_plus: boolean;
  /** Multi-segment path variables ({name=**}) keep RFC 6570 reserved characters percent-encoded. */
  url_unescape_spec: 'ALL_CHARACTERS_EXCEPT_RESERVED';
  match_unregistered_custom_verb: false;
  /** Bytes; a larger request body is answered 413. */
  max_request_body_size: number;
}

export const grpcJsonTranscoderOptions = {
  print_options: {
    add_whitespace: false,
    // `"stock": "0"` and `"deliverables": []` appear, so clients need no defaults of their own.
    always_print_primitive_fields: true,
    always_print_enums_as_ints: false,
    // lowerCamelCase JSON names (bookName, inCharger), as DOMAIN.md's public API promises.
    preserve_proto_field_names: false,
  },
  convert_grpc_status: true,
  auto_mapping: false,
  match_incoming_request_route: false,
  ignore_unknown_query_parameters: false,
  ignored_query_parameters: [],
  request_validation_options: {
    reject_unknown_method: true,
    reject_unknown_query_parameters: true,
    // A PATCH /books/7 whose body says {"id": "8"} is a client bug, never a request to change book 8.
    reject_binding_body_field_collisions: true,
  },
  case_insensitive_enum_parsing: false,
  query_param_unescape_plus: false,
  url_unescape_spec: 'ALL_CHARACTERS_EXCEPT_RESERVED',
  match_unregistered_custom_verb: false,
  max_request_body_size: 1_048_576,
} as const satisfies GrpcJsonTranscoderOptions;

/**
 * Deadlines at the edge. Without a header a call gets the edge -> service deadline from
 * mesh/policy/resilience.ts; a client may ask for another one with the standard `grpc-timeout`
 * header (gRPC wire format, e.g. `2S`, `500m`), honoured up to this ceiling. In Envoy terms: the
 * route's max_stream_duration.max_stream_duration is the policy deadline and
 * max_stream_duration.grpc_timeout_header_max is this ceiling.
 */
export const edgeDeadlines = {
  grpcTimeoutHeaderMaxMs: 30_000,
} as const;

/**
 * The request id header: taken from the client when given, generated otherwise, forwarded to the
 * service and returned on every response (Envoy: generate_request_id and
 * always_set_request_id_in_response on the HTTP connection manager).
 */
export const requestIdHeader = 'x-request-id';
