import type { handleUnaryCall, ServerUnaryCall } from '@grpc/grpc-js';
import { toGrpcError } from './error-mapping.js';

export type UnaryHandler<Req, Res> = (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>;

/**
 * Adapts a promise-returning handler to grpc-js. Whatever the handler throws becomes a status
 * (error-mapping.ts); nothing it does can reach the process as an unhandled rejection.
 */
export function unary<Req, Res>(handler: UnaryHandler<Req, Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    void (async () => {
      let response: Res;
      try {
        response = await handler(call.request, call);
      } catch (error) {
        callback(toGrpcError(error));
        return;
      }
      callback(null, response);
    })();
  };
}
