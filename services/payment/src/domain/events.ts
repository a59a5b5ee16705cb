/** What the payment context tells the rest of the shop, in its own terms (adapters choose the wire format). */
interface PaymentFacts {
  orderId: number;
  paymentId: number;
  amount: number;
  currency: string;
}

export type PaymentEvent =
  | ({ kind: 'PaymentCompleted'; paidAt: Date } & PaymentFacts)
  | ({ kind: 'PaymentDeclined'; reason: string } & PaymentFacts)
  | ({ kind: 'PaymentRefunded'; refundedAt: Date } & PaymentFacts)
  | ({ kind: 'PaymentVoided' } & PaymentFacts);
