import { Writable } from 'node:stream';
import { pino } from 'pino';
import { logContext, type Logger } from '#kit/log/log.js';

export type LogLine = Record<string, unknown>;

/** A logger like the kit's (log context on every line) that keeps its lines for assertions. */
export function memoryLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      done();
    },
  });
  return { log: pino({ level: 'debug', mixin: logContext }, sink), lines };
}
