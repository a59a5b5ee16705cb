import { Metadata, Server, ServerCredentials, type handleUnaryCall, type status } from '@grpc/grpc-js';
import { CatalogServiceService, DeliverableState, type Book, type CatalogServiceServer } from '#contracts/catalog/v1/catalog.js';

export interface ReceivedCall {
  method: string;
  request: unknown;
  metadata: Metadata;
}

export interface ForcedFailure {
  code: status;
  message: string;
  /** A serialized google.rpc.Status, sent as the grpc-status-details-bin trailer. */
  statusDetails?: Buffer;
}

const book = (fields: Partial<Book>): Book => ({
  id: 0,
  bookName: '',
  stock: 0,
  price: 0,
  initialStock: 0,
  createTime: undefined,
  updateTime: undefined,
  ...fields,
});

/**
 * A CatalogService behind the edge in tests, from the generated contract: it records what reached
 * it, answers with small canned responses, and can be told to fail with any status (which the real
 * catalog cannot be made to do) or to hold its answers until released.
 */
export class FakeCatalog {
  readonly calls: ReceivedCall[] = [];
  failure: ForcedFailure | undefined;
  /** Answers wait for this promise (a slow service). */
  hold: Promise<void> | undefined;
  responseMetadata: Metadata | undefined;

  private constructor(
    private readonly server: Server,
    readonly address: string,
  ) {}

  static async start(): Promise<FakeCatalog> {
    const server = new Server();
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => {
        if (error === null) resolve(bound);
        else reject(error);
      });
    });
    const fake = new FakeCatalog(server, `127.0.0.1:${port}`);
    server.addService(CatalogServiceService, fake.implementation());
    return fake;
  }

  lastCall(): ReceivedCall {
    const call = this.calls.at(-1);
    if (call === undefined) throw new Error('the fake catalog received no call');
    return call;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.tryShutdown(() => { resolve(); });
    });
  }

  private implementation(): CatalogServiceServer {
    return {
      createBook: this.answer('CreateBook', (request) =>
        book({ id: 1, bookName: request.bookName, stock: request.stock, price: request.price, initialStock: request.stock }),
      ),
      getBook: this.answer('GetBook', (request) => book({ id: request.id, bookName: 'LondonTour', createTime: new Date(0) })),
      listBooks: this.answer('ListBooks', () => ({ books: [], nextPageToken: '' })),
      updateBook: this.answer('UpdateBook', (request) => book({ id: request.id, bookName: request.bookName ?? 'LondonTour', price: request.price ?? 0 })),
      inputStock: this.answer('InputStock', (request) => ({
        id: 1,
        bookId: request.bookId,
        quantity: request.quantity,
        inCharger: request.inCharger,
        createTime: undefined,
      })),
      listStockInputs: this.answer('ListStockInputs', () => ({ stockInputs: [], nextPageToken: '' })),
      listDeliverables: this.answer('ListDeliverables', () => ({
        deliverables: [{ id: 1, orderId: 2, bookId: 3, quantity: 4, state: DeliverableState.PREPARED, createTime: undefined, updateTime: undefined }],
        nextPageToken: '',
      })),
    };
  }

  private answer<Request, Response>(method: string, reply: (request: Request) => Response): handleUnaryCall<Request, Response> {
    return (call, callback) => {
      this.calls.push({ method, request: call.request, metadata: call.metadata });
      if (this.responseMetadata !== undefined) call.sendMetadata(this.responseMetadata);
      void (this.hold ?? Promise.resolve()).then(() => {
        if (this.failure === undefined) {
          callback(null, reply(call.request));
          return;
        }
        const trailers = new Metadata();
        if (this.failure.statusDetails !== undefined) trailers.set('grpc-status-details-bin', this.failure.statusDetails);
        callback({ code: this.failure.code, details: this.failure.message, metadata: trailers });
      });
    };
  }
}
