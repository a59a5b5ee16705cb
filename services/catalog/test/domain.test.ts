import { expect } from 'chai';
import { addStock, changeBook, registerBook, type Book } from '../src/domain/book.js';
import { cancelDeliverable, type Deliverable } from '../src/domain/deliverable.js';
import { prepareWaiting } from '../src/domain/preparation.js';
import { checkStockInput } from '../src/domain/stock-input.js';
import { refusalOf } from '#kit-testing/domain-errors.js';

const now = new Date('2026-11-21T10:00:00Z');
const book = (stock: number): Book => ({ id: 7, bookName: 'LondonTour', stock, price: 1200, initialStock: stock, revision: 1, createdAt: now, updatedAt: now });
const waiting = (id: number, quantity: number): Deliverable => ({ id, orderId: 100 + id, bookId: 7, quantity, state: 'WAITING', createdAt: now, updatedAt: now });

describe('catalog domain', () => {
  describe('book', () => {
    it('registers a book with a trimmed name', () => {
      expect(registerBook({ bookName: '  LondonTour ', stock: 100, price: 0 })).to.deep.equal({ bookName: 'LondonTour', stock: 100, price: 0 });
    });

    it('names the field a bad book breaks', () => {
      expect(refusalOf(() => registerBook({ bookName: ' ', stock: 1, price: 1 }))).to.equal('bookName');
      expect(refusalOf(() => registerBook({ bookName: 'x'.repeat(201), stock: 1, price: 1 }))).to.equal('bookName');
      expect(refusalOf(() => registerBook({ bookName: 'x'.repeat(200), stock: -1, price: 1 }))).to.equal('stock');
      expect(refusalOf(() => registerBook({ bookName: 'x', stock: 1, price: -5 }))).to.equal('price');
      expect(refusalOf(() => registerBook({ bookName: 'x', stock: 1.5, price: 1 }))).to.equal('stock');
    });

    it('changes name and price but asks for at least one', () => {
      const changed = changeBook(book(3), { price: 900 }, now);
      expect(changed).to.include({ bookName: 'LondonTour', price: 900, stock: 3, revision: 2 });
      expect(changeBook(changed, { bookName: 'London' }, now).revision).to.equal(3);
      expect(refusalOf(() => changeBook(book(3), {}, now))).to.equal('bookName');
    });

    it('takes a negative correction only when the stock covers it', () => {
      expect(addStock(book(5), -5, now).stock).to.equal(0);
      expect(refusalOf(() => addStock(book(5), -6, now))).to.equal('precondition');
      expect(refusalOf(() => addStock(book(5), 0, now))).to.equal('quantity');
    });
  });

  describe('stock input', () => {
    it('needs a book, a non-zero quantity and who received it', () => {
      expect(refusalOf(() => checkStockInput({ bookId: 0, quantity: 1, inCharger: 'kim' }))).to.equal('bookId');
      expect(refusalOf(() => checkStockInput({ bookId: 1, quantity: 0, inCharger: 'kim' }))).to.equal('quantity');
      expect(refusalOf(() => checkStockInput({ bookId: 1, quantity: 2, inCharger: ' ' }))).to.equal('inCharger');
    });
  });

  describe('preparation', () => {
    it('prepares waiting deliverables oldest first while the stock covers them', () => {
      const result = prepareWaiting(book(5), [waiting(1, 2), waiting(2, 3), waiting(3, 1)], now);
      expect(result.prepared.map((d) => d.id)).to.deep.equal([1, 2]);
      expect(result.book.stock).to.equal(0);
      expect(result.events).to.deep.equal([
        { kind: 'BookPrepared', orderId: 101, bookId: 7, quantity: 2, deliverableId: 1 },
        { kind: 'BookPrepared', orderId: 102, bookId: 7, quantity: 3, deliverableId: 2 },
      ]);
    });

    it('stops at the first deliverable the stock does not cover, so large orders are not starved', () => {
      const result = prepareWaiting(book(4), [waiting(1, 5), waiting(2, 1)], now);
      expect(result.prepared).to.deep.equal([]);
      expect(result.book.stock).to.equal(4);
    });
  });

  describe('cancellation', () => {
    it('gives back the stock of a prepared deliverable only', () => {
      expect(cancelDeliverable({ ...waiting(1, 3), state: 'PREPARED' }, now)).to.deep.include({ returnedStock: 3 });
      expect(cancelDeliverable(waiting(1, 3), now).returnedStock).to.equal(0);
      expect(cancelDeliverable(waiting(1, 3), now).deliverable.state).to.equal('CANCELLED');
    });
  });
});
