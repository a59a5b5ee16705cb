import { invalid } from '#kit/domain/errors.js';
import { checkPrintable } from '#kit/domain/text.js';

/** Goods received for a book (or a correction); recording one adds its quantity to the stock. */
export interface StockInput {
  id: number;
  bookId: number;
  quantity: number;
  /** Who received the goods. */
  inCharger: string;
  createdAt: Date;
}

export type NewStockInput = Pick<StockInput, 'bookId' | 'quantity' | 'inCharger'>;

export const IN_CHARGER_MAX = 100;

export function checkStockInput(input: NewStockInput): NewStockInput {
  if (!Number.isSafeInteger(input.bookId) || input.bookId <= 0) throw invalid('bookId', 'must be a book id (> 0)');
  if (!Number.isSafeInteger(input.quantity) || input.quantity === 0) {
    throw invalid('quantity', 'must be a non-zero whole number');
  }
  const inCharger = checkPrintable('inCharger', input.inCharger).trim();
  if (inCharger.length === 0) throw invalid('inCharger', 'must name who received the stock');
  if (inCharger.length > IN_CHARGER_MAX) throw invalid('inCharger', `must be at most ${IN_CHARGER_MAX} characters`);
  return { ...input, inCharger };
}
