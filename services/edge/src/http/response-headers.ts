import type { Metadata } from '@grpc/grpc-js';

const notForwarded = new Set(['content-type', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'date']);

/** HTTP response headers from the service's initial metadata, as Envoy passes them on; gRPC's own and binary ones stay behind. */
export function responseHeadersOf(metadata: Metadata): Record<string, string[]> {
  const headers: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(metadata.toJSON())) {
    if (notForwarded.has(name) || name.startsWith('grpc-') || name.endsWith('-bin')) continue;
    headers[name] = values.map(String);
  }
  return headers;
}
