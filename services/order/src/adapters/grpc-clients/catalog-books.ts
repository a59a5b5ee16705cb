import { status } from '@grpc/grpc-js';
import type { CatalogServiceService } from '#contracts/catalog/v1/catalog.js';
import type { GrpcClient } from '#kit/grpc/client.js';
import { GrpcError } from '#kit/grpc/grpc-error.js';
import type { BookLookup } from '../../app/ports.js';

/** BookLookup through catalog's GetBook, whose Book carries the price. Failures other than NOT_FOUND pass on, naming catalog. */
export class CatalogBooks implements BookLookup {
  constructor(private readonly catalog: GrpcClient<typeof CatalogServiceService>) {}

  async bookPrice(bookId: number): Promise<number | undefined> {
    try {
      return (await this.catalog.call('getBook', { id: bookId })).price;
    } catch (error) {
      if (error instanceof GrpcError && error.code === status.NOT_FOUND) return undefined;
      throw error;
    }
  }
}
