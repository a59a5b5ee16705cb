/** An HTTP answer of the card processor: its status and parsed JSON body. */
export interface ProcessorAnswer {
  status: number;
  body: unknown;
}

export interface ProcessorCharge {
  id: string;
  status: 'succeeded' | 'declined';
  declineReason: string;
}

/** A charge object as the processor sends it, or undefined when the body is not one (never guessed at). */
export function parseCharge(body: unknown): ProcessorCharge | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { id, status, declineReason } = body as Record<string, unknown>;
  if (typeof id !== 'string' || id === '') return undefined;
  if (status !== 'succeeded' && status !== 'declined') return undefined;
  return { id, status, declineReason: typeof declineReason === 'string' ? declineReason : '' };
}
