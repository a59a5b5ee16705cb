import { Metadata, type CallOptions, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { verifiedClaimsHeader } from '#kit/access/own-data.js';

/** The verified claims an edge forwards, base64url JSON as Envoy's forward_payload_header writes them. */
export function verifiedClaims(payload: object): Metadata {
  const metadata = new Metadata();
  metadata.set(verifiedClaimsHeader, Buffer.from(JSON.stringify(payload)).toString('base64url'));
  return metadata;
}

/** A signed-in customer's claims, with what else a token carries. */
export function customerClaims(customerId: number): Metadata {
  return verifiedClaims({ sub: String(customerId), roles: ['customer'], iss: 'http://auth.bookstore.svc.cluster.local:8090', jti: 'test' });
}

type UnaryMethod<Req, Res> = (request: Req, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Res) => void) => ClientUnaryCall;

/** One call of a generated client's method with this metadata, as an edge makes it. */
export function callWithMetadata<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, metadata: Metadata): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, metadata, { deadline: Date.now() + 5_000 }, (error, response) => {
      if (error === null) resolve(response);
      else reject(error);
    });
  });
}
