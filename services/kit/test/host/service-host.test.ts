import { expect } from 'chai';
import type { Readiness } from '#kit/admin/admin-server.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { defineService } from '#kit/host/define-service.js';
import type { RunningService } from '#kit/host/service-host.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { waitFor } from '#kit/process/ports.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { createTestStore } from '#kit-testing/stores.js';

const bare = defineService('catalog', () => ({ migrations: [], grpcServices: () => [] }));

describe('a service started by the kit host', () => {
  let nats: NatsServer;
  let store: TestDatabase;
  let running: RunningService<ServiceConfig>;

  const readyz = async (): Promise<{ status: number; body: Readiness }> => {
    const response = await fetch(`http://127.0.0.1:${running.adminPort}/readyz`);
    return { status: response.status, body: (await response.json()) as Readiness };
  };

  beforeEach(async () => {
    nats = await NatsServer.start();
    store = await createTestStore('sqlite', 'host');
    running = await bare.start(
      bare.readConfig({ NATS_URL: nats.url, DATABASE_URL: store.url, GRPC_PORT: '0', ADMIN_PORT: '0', LOG_LEVEL: 'silent' }),
    );
  });

  afterEach(async () => {
    await running.stop();
    await nats.stop();
    await store.drop();
  });

  it('is ready with its store and broker, and reports both', async () => {
    expect(await readyz()).to.deep.equal({ status: 200, body: { ok: true, checks: { store: true }, informational: { broker: true } } });
  });

  it('stays ready while the broker is down, and reports the broker as lost', async () => {
    await nats.pause();
    await waitFor(() => Promise.resolve(!running.parts.bus.isConnected()), 'the bus to notice the broker is gone');

    const { status, body } = await readyz();
    expect(status).to.equal(200);
    expect(body.checks).to.deep.equal({ store: true });
    expect(body.informational?.broker).to.match(/NATS connection lost/);
  });

  it('is not ready when its store does not answer', async () => {
    await running.parts.db.close();

    const { status, body } = await readyz();
    expect(status).to.equal(503);
    expect(body.ok).to.equal(false);
    expect(body.checks.store).to.be.a('string');
  });
});
