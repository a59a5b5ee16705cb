import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Metadata } from '@grpc/grpc-js';
import { requestIdHeader } from '../transcoding-options.js';

/** Headers about one HTTP connection, not the request (RFC 9110 section 7.6.1, RFC 2616 section 13.5.1). */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Headers the gRPC call sets itself: the channel's authority, a protobuf body, the deadline, gRPC framing. */
const setByGrpc = new Set(['host', 'content-length', 'content-type', 'grpc-timeout', 'grpc-encoding', 'grpc-accept-encoding', 'grpc-status', 'grpc-message', 'grpc-status-details-bin']);

const metadataKey = /^[0-9a-z_.-]+$/;
const printableAscii = /^[\x20-\x7e]*$/;

/** The client's request id when it sent a usable one, a new one otherwise. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers[requestIdHeader];
  return typeof given === 'string' && given !== '' && printableAscii.test(given) ? given : randomUUID();
}

/**
 * The gRPC metadata of the call: every request header (Authorization, traceparent, tracestate and
 * the rest, as Envoy forwards them) except hop-by-hop ones and those the gRPC call sets itself;
 * `-bin` headers are base64 as gRPC defines them. A header gRPC metadata cannot carry (a name with
 * characters outside [0-9a-z_.-], a non-ASCII value) is left out. The request id always travels,
 * and so do Envoy's x-envoy-original-path/-method, so a service sees the same metadata behind
 * either edge.
 */
export function grpcMetadata(request: IncomingMessage, requestId: string): Metadata {
  const connectionListed = new Set(
    (request.headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ''),
  );
  const metadata = new Metadata();
  for (const [name, values] of Object.entries(request.headersDistinct)) {
    if (hopByHop.has(name) || connectionListed.has(name) || setByGrpc.has(name) || !metadataKey.test(name)) continue;
    for (const value of values ?? []) {
      if (name.endsWith('-bin')) metadata.add(name, Buffer.from(value, 'base64'));
      else if (printableAscii.test(value)) metadata.add(name, value);
    }
  }
  metadata.set(requestIdHeader, requestId);
  metadata.set('x-envoy-original-path', request.url ?? '/');
  metadata.set('x-envoy-original-method', request.method ?? 'GET');
  return metadata;
}
