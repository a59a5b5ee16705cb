import { status } from '@grpc/grpc-js';
import { TranscodeError } from '../transcode/transcode-error.js';

const unitMs: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1_000, m: 1, u: 1e-3, n: 1e-6 };

/**
 * Milliseconds of a `grpc-timeout` value in the gRPC wire format (up to 8 digits and a unit: H, M,
 * S, m, u, n), or undefined when absent or malformed: Envoy ignores a malformed one too, and the
 * call keeps its default deadline.
 */
export function parseGrpcTimeout(value: string | undefined): number | undefined {
  const match = /^(\d{1,8})([HMSmun])$/.exec(value ?? '');
  if (match === null) return undefined;
  const [, amount = '', unit = ''] = match;
  const ms = unitMs[unit];
  return ms === undefined ? undefined : Number(amount) * ms;
}

/**
 * The call's deadline: the client's grpc-timeout capped at the ceiling, else the service default.
 * A deadline that has passed already (grpc-timeout of zero) is refused at once, as DEADLINE_EXCEEDED:
 * no service is asked to do work nobody waits for.
 */
export function callDeadlineMs(header: string | undefined, defaultMs: number, ceilingMs: number): number {
  const asked = parseGrpcTimeout(header);
  if (asked !== undefined && asked < 1) throw new TranscodeError(status.DEADLINE_EXCEEDED, 'grpc-timeout: the deadline has passed already', 504);
  return asked === undefined ? defaultMs : Math.min(asked, ceilingMs);
}
