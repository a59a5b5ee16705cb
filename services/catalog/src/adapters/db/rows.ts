import { asDate, asNumber } from '#kit/db/columns.js';
import type { Book } from '../../domain/book.js';
import type { Deliverable, DeliverableState } from '../../domain/deliverable.js';
import type { StockInput } from '../../domain/stock-input.js';

export interface BookRow {
  id: number;
  book_name: string;
  revision: number;
  stock: number;
  price: number;
  initial_stock: number;
  created_at: unknown;
  updated_at: unknown;
}

/** A book row's columns, named: a prepared statement's result stays the same when a column is added. */
export const bookColumns = 'id, book_name, revision, stock, price, initial_stock, created_at, updated_at';

export interface StockInputRow {
  id: number;
  book_id: number;
  quantity: number;
  in_charger: string;
  created_at: unknown;
}

export interface DeliverableRow {
  id: number;
  order_id: number;
  book_id: number;
  quantity: number;
  state: string;
  created_at: unknown;
  updated_at: unknown;
}

export const toBook = (row: BookRow): Book => ({
  id: asNumber(row.id),
  bookName: row.book_name,
  revision: asNumber(row.revision),
  stock: asNumber(row.stock),
  price: asNumber(row.price),
  initialStock: asNumber(row.initial_stock),
  createdAt: asDate(row.created_at),
  updatedAt: asDate(row.updated_at),
});

export const toStockInput = (row: StockInputRow): StockInput => ({
  id: asNumber(row.id),
  bookId: asNumber(row.book_id),
  quantity: asNumber(row.quantity),
  inCharger: row.in_charger,
  createdAt: asDate(row.created_at),
});

const deliverableStates: readonly DeliverableState[] = ['WAITING', 'PREPARED', 'CANCELLED'];

export const toDeliverable = (row: DeliverableRow): Deliverable => {
  const state = deliverableStates.find((candidate) => candidate === row.state);
  if (state === undefined) throw new Error(`deliverable ${row.id} has unknown state "${row.state}"`);
  return {
    id: asNumber(row.id),
    orderId: asNumber(row.order_id),
    bookId: asNumber(row.book_id),
    quantity: asNumber(row.quantity),
    state,
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at),
  };
};
