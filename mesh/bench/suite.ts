import type { Benchmark } from './benchmark.js';
import { edgeGetBook } from './benchmarks/edge-get-book.js';
import { eventConsumer } from './benchmarks/event-consumer.js';
import { grpcClient } from './benchmarks/grpc-client.js';
import { grpcGetBook } from './benchmarks/grpc-get-book.js';
import { grpcServer } from './benchmarks/grpc-server.js';
import { outboxEndToEnd, outboxRelay } from './benchmarks/outbox-relay.js';
import { postgresCreateBook } from './benchmarks/postgres-create-book.js';
import { sqliteCreateBook } from './benchmarks/sqlite-create-book.js';

/** Every benchmark of `make bench`, in the order the table prints them. */
export const suite: readonly Benchmark[] = [
  grpcServer,
  grpcGetBook,
  grpcClient,
  edgeGetBook,
  sqliteCreateBook,
  postgresCreateBook,
  outboxRelay,
  outboxEndToEnd,
  eventConsumer,
];
