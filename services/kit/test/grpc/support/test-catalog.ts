import { status } from '@grpc/grpc-js';
import { CatalogServiceService, type Book, type CatalogServiceServer, type GetBookRequest } from '#contracts/catalog/v1/catalog.js';
import { currentCallContext, type CallContext } from '#kit/context/call-context.js';
import { type Logger } from '#kit/log/log.js';
import { GrpcError } from '#kit/grpc/grpc-error.js';
import { startGrpcServer, type GrpcServer } from '#kit/grpc/server.js';
import { unary } from '#kit/grpc/unary.js';
import { freePort } from '#kit/process/ports.js';

export type GetBook = (request: GetBookRequest) => Promise<Book>;

/** A CatalogService whose GetBook does what the test says and counts the calls that reach it. */
export interface TestCatalog {
  server: GrpcServer;
  address: string;
  getBook: GetBook;
  calls: number;
  contexts: CallContext[];
}

export const book = (id: number): Book => ({
  id,
  bookName: `Book ${id}`,
  stock: 3,
  price: 1200,
  initialStock: 3,
  createTime: undefined,
  updateTime: undefined,
});

export const answerWith = (code: status, message = `answered ${status[code]}`): GetBook => () => Promise.reject(new GrpcError(code, message));

export async function startTestCatalog(
  log: Logger,
  getBook: GetBook = ({ id }) => Promise.resolve(book(id)),
  port?: number,
): Promise<TestCatalog> {
  port ??= await freePort();
  const catalog: Omit<TestCatalog, 'server'> = { address: `127.0.0.1:${port}`, getBook, calls: 0, contexts: [] };
  const implementation: Pick<CatalogServiceServer, 'getBook'> = {
    getBook: unary((request) => {
      catalog.calls += 1;
      catalog.contexts.push(currentCallContext());
      return catalog.getBook(request);
    }),
  };
  const server = await startGrpcServer({
    service: 'catalog',
    host: '127.0.0.1',
    port,
    services: [{ definition: CatalogServiceService, implementation }],
    log,
  });
  return Object.assign(catalog, { server });
}

/** A promise the test settles when it chooses, for calls that must stay in flight until then. */
export function gate(): { opened: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => { open = resolve; });
  return { opened, open };
}
