import { status, type handleUnaryCall, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { context } from '@opentelemetry/api';
import { isZombie } from '../admin/faults.js';
import { withCallContext } from '../context/call-context.js';
import { type Logger } from '../log/log.js';
import { incomingCallContext } from './call-metadata.js';
import { serverCalls, type MethodCalls } from './call-metrics.js';
import { toGrpcError } from './error-mapping.js';
import { codeName } from './grpc-error.js';
import { startServerSpan } from '../telemetry/rpc-spans.js';
import { UndecodedRequest } from './request-decoding.js';

const serverFaults = new Set<status>([status.INTERNAL, status.UNKNOWN, status.DATA_LOSS]);

/**
 * Wraps every unary method of a service so each call runs in its caller's log context, in a server
 * span continuing the caller's trace, and leaves one log line and its grpc_server_* samples
 * (call-metrics.ts), whatever the handler does. A request that did not decode is answered with its
 * error and never reaches the handler.
 */
export function observeUnaryCalls(
  definition: ServiceDefinition,
  implementation: UntypedServiceImplementation,
  log: Logger,
): UntypedServiceImplementation {
  const observed: UntypedServiceImplementation = { ...implementation };
  for (const [name, method] of Object.entries(definition)) {
    const handler = implementation[name];
    if (handler === undefined || method.requestStream || method.responseStream) continue;
    observed[name] = observeUnaryCall(method.path.replace(/^\//, ''), serverCalls(method.path), handler as handleUnaryCall<unknown, unknown>, log);
  }
  return observed;
}

function observeUnaryCall(method: string, calls: MethodCalls, handler: handleUnaryCall<unknown, unknown>, log: Logger): handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    const started = calls.started();
    // A zombie takes calls and never answers them; callers time out (faults.ts).
    if (isZombie()) return;
    const span = startServerSpan(method, call.metadata);
    const callContext = { ...incomingCallContext(call.metadata), deadline: Number(call.getDeadline()) };
    context.with(span.context, withCallContext, undefined, callContext, () => {
      const answer: typeof callback = (error, ...rest) => {
        const code = error?.code ?? status.OK;
        span.end(code, error?.details);
        const ms = Math.round(calls.handled(code, started) * 10) / 10;
        if (serverFaults.has(code)) log.error({ method, code: codeName(code), ms, err: error instanceof Error && error.cause !== undefined ? error.cause : error }, 'grpc call');
        // Checked first so that, with info off, the line costs no object.
        else if (log.isLevelEnabled('info')) log.info({ method, code: codeName(code), ms }, 'grpc call');
        callback(error, ...rest);
      };
      if (call.request instanceof UndecodedRequest) {
        answer(call.request.error);
        return;
      }
      try {
        handler(call, answer);
      } catch (error) {
        answer(toGrpcError(error));
      }
    });
  };
}
