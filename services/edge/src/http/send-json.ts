import type { ServerResponse } from 'node:http';
import type { JsonValue } from '@bufbuild/protobuf';
import { jsonText } from '../transcode/response-json.js';
import type { GrpcJsonTranscoderOptions } from '../transcoding-options.js';

export function sendJson(response: ServerResponse, httpStatus: number, json: JsonValue, print: GrpcJsonTranscoderOptions['print_options']): void {
  const text = jsonText(json, print);
  response.writeHead(httpStatus, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
