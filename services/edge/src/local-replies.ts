import { status } from '@grpc/grpc-js';

/** An answer the edge gives without a service's response: its HTTP status and google.rpc.Status code. */
export interface LocalReply {
  httpStatus: number;
  code: status;
  when: string;
}

/**
 * The google.rpc.Status code of each answer an edge gives itself, declared once. The local edge
 * answers these with a google.rpc.Status JSON body of that code. Envoy's own answers are plain
 * text, so the Envoy edge (mesh/envoy) maps each of these HTTP statuses to the same JSON body in its
 * local_reply_config. A REST client then reads the same body from either edge.
 */
export const localReplies: readonly LocalReply[] = [
  { httpStatus: 400, code: status.INVALID_ARGUMENT, when: 'a malformed JSON body, an unknown query parameter, a value of the wrong type' },
  { httpStatus: 401, code: status.UNAUTHENTICATED, when: 'no access token, or one that does not verify (with WWW-Authenticate)' },
  { httpStatus: 403, code: status.PERMISSION_DENIED, when: 'a token whose roles may not call the method, or another customer\'s data' },
  { httpStatus: 404, code: status.NOT_FOUND, when: 'no google.api.http rule serves the path and method' },
  { httpStatus: 413, code: status.RESOURCE_EXHAUSTED, when: 'a request body over max_request_body_size' },
  { httpStatus: 429, code: status.RESOURCE_EXHAUSTED, when: 'a caller past its rate limit (with Retry-After)' },
  { httpStatus: 503, code: status.UNAVAILABLE, when: 'the service cannot be reached (Envoy: no healthy upstream)' },
  { httpStatus: 504, code: status.DEADLINE_EXCEEDED, when: 'the deadline passed before the service answered' },
];
