import { Server, ServerCredentials, type handleUnaryCall } from '@grpc/grpc-js';
import { CatalogServiceService, type Book, type GetBookRequest } from '#contracts/catalog/v1/catalog.js';

/** A book as the catalog answers one, so both sides of a gRPC comparison carry the same bytes. */
const sampleBook: Book = {
  id: 1,
  bookName: 'Bench Book',
  stock: 100,
  price: 1_200,
  initialStock: 100,
  createTime: new Date('2024-01-01T00:00:00Z'),
  updateTime: new Date('2024-01-01T00:00:00Z'),
};

/** GetBook's answer: the constant book under the asked id. */
export function getBookAnswer(id: number): Book {
  return { ...sampleBook, id };
}

export interface BareServer {
  address: string;
  stop(): Promise<void>;
}

/** grpc-js alone: a CatalogService whose GetBook answers a constant book, with nothing of the kit around it. */
export async function startBareCatalog(): Promise<BareServer> {
  const server = new Server();
  const getBook: handleUnaryCall<GetBookRequest, Book> = (call, callback) => {
    callback(null, getBookAnswer(call.request.id));
  };
  server.addService(CatalogServiceService, { getBook });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => {
      if (error === null) resolve(bound);
      else reject(error);
    });
  });
  return {
    address: `127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => { server.tryShutdown(() => { resolve(); }); }),
  };
}
