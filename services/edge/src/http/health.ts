import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GrpcJsonTranscoderOptions } from '../transcoding-options.js';
import { sendJson } from './send-json.js';

export const healthPaths = { live: '/livez', ready: '/readyz' } as const;

/**
 * The edge's own GET /livez (the process answers) and GET /readyz (it takes requests: not while it
 * drains). Returns false for any other request.
 */
export function answerHealth(request: IncomingMessage, response: ServerResponse, draining: boolean, print: GrpcJsonTranscoderOptions['print_options']): boolean {
  if (request.method !== 'GET') return false;
  const path = (request.url ?? '/').split('?')[0];
  if (path !== healthPaths.live && path !== healthPaths.ready) return false;
  const serving = path === healthPaths.live || !draining;
  sendJson(response, serving ? 200 : 503, { status: serving ? 'SERVING' : 'NOT_SERVING' }, print);
  return true;
}
