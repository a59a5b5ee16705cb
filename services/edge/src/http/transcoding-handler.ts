import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonValue, Message, Registry } from '@bufbuild/protobuf';
import { status, type ServiceError } from '@grpc/grpc-js';
import { describeFailure } from '#kit/grpc/call-failure.js';
import type { Logger } from '#kit/log/log.js';
import { forwardVerifiedClaims, type AccessGate } from '../access/access-gate.js';
import type { GrpcBackends, UnaryOutcome } from '../backend/grpc-backends.js';
import type { Route, RouteMatch, RouteTable } from '../routing/route-table.js';
import { httpStatusOf } from '../transcode/http-status.js';
import { queryBindings } from '../transcode/query-bindings.js';
import { parseQueryParameters } from '../transcode/query-parameters.js';
import { requestMessage } from '../transcode/request-message.js';
import { responseJson } from '../transcode/response-json.js';
import { fieldViolationDetails } from '../transcode/field-violation-details.js';
import { decodeRpcStatus, rpcStatusJson, type RpcStatus } from '../transcode/rpc-status.js';
import { TranscodeError } from '../transcode/transcode-error.js';
import type { GrpcJsonTranscoderOptions } from '../transcoding-options.js';
import { callDeadlineMs } from './grpc-timeout.js';
import { readBody } from './read-body.js';
import { countRequest } from './request-metrics.js';
import { grpcMetadata } from './request-headers.js';
import { nameRequestSpan } from './request-span.js';
import { responseHeadersOf } from './response-headers.js';
import { sendJson } from './send-json.js';

export interface TranscodingContext {
  routes: RouteTable;
  backends: GrpcBackends;
  registry: Registry;
  options: GrpcJsonTranscoderOptions;
  grpcTimeoutHeaderMaxMs: number;
  logger: Logger;
  access: AccessGate;
}

interface Answer {
  httpStatus: number;
  grpcCode: number;
}

/**
 * One REST request: route it, build the gRPC request, call the service, answer with its response or
 * its status as JSON. Whatever goes wrong, the client gets a google.rpc.Status body.
 */
export async function transcode(context: TranscodingContext, request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
  const started = performance.now();
  const target = targetOf(context, request);
  nameRequestSpan(request.method, target.match?.route.template.source);
  const answer = await answerRequest(context, target, request, response, requestId).catch((error: unknown): Answer => {
    const local = error instanceof TranscodeError ? error : new TranscodeError(status.INTERNAL, 'the edge failed to transcode the request');
    if (!(error instanceof TranscodeError)) context.logger.error({ err: error }, 'transcoding failed');
    request.resume();
    if (response.headersSent) response.end();
    else {
      for (const [name, value] of Object.entries(local.headers)) response.setHeader(name, value);
      sendJson(response, local.httpStatus, statusBody(context, localStatus(context, local)), context.options.print_options);
    }
    return { httpStatus: local.httpStatus, grpcCode: local.code };
  });
  const elapsedMs = performance.now() - started;
  countRequest(target.match?.route, request.method, answer.httpStatus, elapsedMs / 1000);
  const level = answer.httpStatus >= 500 ? 'warn' : 'info';
  context.logger[level](
    {
      method: request.method,
      path: request.url,
      rpc: target.match?.route.grpcPath,
      httpStatus: answer.httpStatus,
      grpcCode: answer.grpcCode,
      durationMs: Math.round(elapsedMs),
    },
    'request',
  );
}

/** The request's path and query, and the route its method and path match, if any. */
interface RequestTarget {
  path: string;
  query: string;
  match: RouteMatch | undefined;
}

function targetOf(context: TranscodingContext, request: IncomingMessage): RequestTarget {
  const url = request.url ?? '/';
  const queryStart = url.indexOf('?');
  const path = queryStart === -1 ? url : url.slice(0, queryStart);
  const query = queryStart === -1 ? '' : url.slice(queryStart + 1);
  return { path, query, match: context.routes.lookup(request.method ?? 'GET', path) };
}

async function answerRequest(context: TranscodingContext, { path, query, match }: RequestTarget, request: IncomingMessage, response: ServerResponse, requestId: string): Promise<Answer> {
  const { options } = context;
  if (match === undefined) throw new TranscodeError(status.NOT_FOUND, `Could not resolve ${path} to a method.`, 404);
  const { route } = match;
  const admission = await context.access.admit(route, request);
  const urlValues = [...match.pathValues, ...queryBindings(route, parseQueryParameters(query, options.query_param_unescape_plus), options)];
  const body = await readBody(request, options.max_request_body_size);
  const message = requestMessage(route, urlValues, body, options, context.registry);
  context.access.checkRequest(admission, route, message);

  const backend = context.backends.backendOf(route);
  const grpcTimeout = request.headers['grpc-timeout'];
  const deadlineMs = callDeadlineMs(typeof grpcTimeout === 'string' ? grpcTimeout : undefined, backend.deadlineMs, context.grpcTimeoutHeaderMaxMs);
  const clientGone = new AbortController();
  response.on('close', () => {
    if (!response.writableFinished) clientGone.abort();
  });
  const call = (target: Pick<Route, 'method' | 'grpcPath'>, callRequest: Message): Promise<UnaryOutcome> =>
    context.backends.call(target, callRequest, forwardVerifiedClaims(grpcMetadata(request, requestId), admission), new Date(Date.now() + deadlineMs), clientGone.signal);
  await context.access.checkOwner(admission, route, message, call);
  const outcome = await call(route, message);

  for (const [name, values] of Object.entries(responseHeadersOf(outcome.headers))) response.setHeader(name, values);
  if (outcome.ok) {
    context.access.checkResponse(admission, route, outcome.response);
    sendJson(response, 200, renderResponse(context, route, outcome.response), options.print_options);
    return { httpStatus: 200, grpcCode: status.OK };
  }
  const rpcStatus = serviceStatus(outcome.error, backend.callee, deadlineMs);
  if (rpcStatus.message !== outcome.error.details) context.logger.warn({ rpc: route.grpcPath, code: outcome.error.code, transport: outcome.error.details }, rpcStatus.message);
  const httpStatus = httpStatusOf(outcome.error.code);
  sendJson(response, httpStatus, statusBody(context, rpcStatus), options.print_options);
  return { httpStatus, grpcCode: outcome.error.code };
}

/** A response that cannot be rendered is Envoy's 502: the service answered, the edge cannot pass it on. */
function renderResponse(context: TranscodingContext, route: Route, response: Message): JsonValue {
  try {
    return responseJson(route, response, context.options.print_options, context.registry);
  } catch (error) {
    throw new TranscodeError(status.INTERNAL, `the response of ${route.grpcPath} cannot be rendered as JSON: ${(error as Error).message}`, 502);
  }
}

/** The edge's own google.rpc.Status: a bad field gets the details a service would give. */
function localStatus(context: TranscodingContext, local: TranscodeError): RpcStatus {
  const details = local.violation === undefined ? [] : fieldViolationDetails(local.violation, context.registry);
  return { code: local.code, message: local.message, details };
}

/** The codes grpc-js itself answers with when the service could not be reached or heard from in time. */
const transportCodes = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]);

/**
 * The service's google.rpc.Status: its grpc-status-details-bin trailer when sent, else code and
 * message, where a failure to reach the service or to hear from it in time is said in the edge's
 * words ("catalog is unavailable"): the transport's text (addresses, socket errors, grpc-js
 * internals) goes to the log, never to the client. Envoy passes such text on; the edge does not.
 */
function serviceStatus(error: ServiceError, callee: string, deadlineMs: number): RpcStatus {
  const [detailsBin] = error.metadata.get('grpc-status-details-bin');
  const decoded = detailsBin instanceof Buffer ? decodeRpcStatus(detailsBin) : undefined;
  const message = transportCodes.has(error.code) ? describeFailure(callee, error, deadlineMs).message : error.details;
  return decoded ?? { code: error.code, message, details: [] };
}

function statusBody(context: TranscodingContext, rpcStatus: RpcStatus): JsonValue {
  const { json, unresolvedDetails } = rpcStatusJson(rpcStatus, context.options.print_options, context.registry);
  if (unresolvedDetails.length > 0) {
    context.logger.warn({ unresolvedDetails }, 'error details of types missing from the descriptor set were left out');
  }
  return json;
}
