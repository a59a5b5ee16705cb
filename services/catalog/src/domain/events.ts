/** What the catalog tells the rest of the shop, in its own terms (adapters choose the wire format). */
export type CatalogEvent =
  | { kind: 'BookRegistered'; bookId: number; bookName: string; price: number; stock: number; revision: number }
  | { kind: 'BookUpdated'; bookId: number; bookName: string; price: number; stock: number; revision: number }
  | { kind: 'StockInputted'; stockInputId: number; bookId: number; quantity: number; inCharger: string; stock: number }
  | { kind: 'BookPrepared'; orderId: number; bookId: number; quantity: number; deliverableId: number };
