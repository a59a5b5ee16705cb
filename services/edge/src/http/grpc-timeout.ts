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

/** The call's deadline: the client's grpc-timeout capped at the ceiling, else the service default. */
export function callDeadlineMs(header: string | undefined, defaultMs: number, ceilingMs: number): number {
  const asked = parseGrpcTimeout(header);
  return asked === undefined ? defaultMs : Math.min(asked, ceilingMs);
}
