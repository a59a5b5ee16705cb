import { localReplies } from '../../services/edge/src/local-replies.js';
import type { JsonObject } from './json.js';

/** The body Envoy writes for a matched local reply: the local edge's google.rpc.Status JSON. */
export const localReplyMessage = '%LOCAL_REPLY_BODY%';

/**
 * Envoy answers some requests itself (no rule for the path, a body the transcoder cannot read, a
 * body too large, no healthy upstream, a timeout) in plain text. These mappers turn each into the
 * google.rpc.Status JSON the local edge answers in the same case, with the same code
 * (services/edge/src/local-replies.ts), Envoy's text as the message.
 *
 * Only for REST requests: Envoy puts a gRPC request's local reply body into grpc-message, where
 * JSON does not belong. A request is REST when its content-type is not application/grpc (or it has
 * none), or when the transcoder rewrote it to gRPC (it sets x-envoy-original-path then), as it does
 * before the router answers 503 or 504.
 */
export function localReplyConfig(): JsonObject {
  return {
    mappers: localReplies.map(({ httpStatus, code }) => ({
      filter: { and_filter: { filters: [statusIs(httpStatus), restRequest()] } },
      body_format_override: { json_format: { code, message: localReplyMessage, details: [] } },
    })),
  };
}

function statusIs(httpStatus: number): JsonObject {
  return {
    status_code_filter: {
      comparison: { op: 'EQ', value: { default_value: httpStatus, runtime_key: `edge.local_reply.status_${String(httpStatus)}` } },
    },
  };
}

function restRequest(): JsonObject {
  return {
    or_filter: {
      filters: [
        { header_filter: { header: { name: 'content-type', string_match: { prefix: 'application/grpc' }, invert_match: true, treat_missing_header_as_empty: true } } },
        { header_filter: { header: { name: 'x-envoy-original-path', present_match: true } } },
      ],
    },
  };
}
