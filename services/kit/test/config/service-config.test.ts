import { expect } from 'chai';
import { ConfigError, readConfig } from '#kit/config/config.js';
import { readPeerAddress, peerAddressVariable } from '#kit/config/peer-address.js';
import { readServiceConfig } from '#kit/config/service-config.js';

const read = (env: Record<string, string>) => readServiceConfig('catalog', { grpcPort: 50051, adminPort: 9101 }, () => ({}), env);

describe('service configuration', () => {
  it('has defaults that run the local mesh', () => {
    expect(read({})).to.deep.include({
      grpcPort: 50051,
      adminPort: 9101,
      databaseUrl: 'sqlite://.data/catalog.sqlite',
      natsUrl: 'nats://127.0.0.1:4222',
      logLevel: 'info',
      inProcessResilience: true,
      eventStreamReplicas: 1,
    });
  });

  it('keeps the event streams on as many JetStream servers as EVENT_STREAM_REPLICAS says (3 in production)', () => {
    expect(read({ EVENT_STREAM_REPLICAS: '3' }).eventStreamReplicas).to.equal(3);
    expect(() => read({ EVENT_STREAM_REPLICAS: '0' })).to.throw(ConfigError);
  });

  it('names everything that is wrong at once, without printing a password', () => {
    let problems: readonly string[] = [];
    try {
      read({ GRPC_PORT: '70000', DATABASE_URL: 'mysql://app:secret@db/catalog', NATS_URL: 'localhost:4222', LOG_LEVEL: 'loud', IN_PROCESS_RESILIENCE: 'maybe' });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems = error.problems;
    }
    expect(problems).to.deep.equal([
      'GRPC_PORT must be <= 65535, got 70000',
      'DATABASE_URL must start with postgres:// or postgresql:// or sqlite:, got "mysql://app:***@db/catalog"',
      'NATS_URL must start with nats:// or tls://, got "localhost:4222"',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'IN_PROCESS_RESILIENCE must be true or false, got "maybe"',
    ]);
  });
});

describe('peer addresses', () => {
  it('come from <NAME>_ADDR, with the local mesh port by default', () => {
    expect(peerAddressVariable('catalog')).to.equal('CATALOG_ADDR');
    const addresses = readConfig((reader) => [readPeerAddress(reader, 'catalog'), readPeerAddress(reader, 'coupon')], { CATALOG_ADDR: 'catalog:50051' });
    expect(addresses).to.deep.equal(['catalog:50051', '127.0.0.1:50054']);
  });
});
