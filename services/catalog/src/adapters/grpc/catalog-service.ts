import type { CatalogServiceServer } from '#contracts/catalog/v1/catalog.js';
import { unary } from '#kit/grpc/unary.js';
import type { BookCommands } from '../../app/book-commands.js';
import type { CatalogQueries } from '../../app/catalog-queries.js';
import { bookMessage, deliverableMessage, deliverableStates, stockInputMessage } from './messages.js';

/** bookstore.catalog.v1.CatalogService: decode, call the use case, encode. */
export function catalogService(commands: BookCommands, queries: CatalogQueries): CatalogServiceServer {
  return {
    createBook: unary(async (request) => bookMessage(await commands.createBook(request, request.requestId))),

    getBook: unary(async (request) => bookMessage(await queries.book(request.id))),

    listBooks: unary(async (request) => {
      const page = await queries.books(request);
      return { books: page.items.map(bookMessage), nextPageToken: page.nextPageToken };
    }),

    updateBook: unary(async (request) => bookMessage(await commands.updateBook(request.id, { bookName: request.bookName, price: request.price }))),

    inputStock: unary(async (request) => stockInputMessage(await commands.inputStock(request, request.requestId))),

    listStockInputs: unary(async (request) => {
      const page = await queries.stockInputs(request.bookId, request);
      return { stockInputs: page.items.map(stockInputMessage), nextPageToken: page.nextPageToken };
    }),

    listDeliverables: unary(async (request) => {
      const page = await queries.deliverables(
        { orderId: request.orderId, bookId: request.bookId, states: deliverableStates(request.states) },
        request,
      );
      return { deliverables: page.items.map(deliverableMessage), nextPageToken: page.nextPageToken };
    }),
  };
}
