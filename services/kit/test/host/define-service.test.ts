import { expect } from 'chai';
import { ConfigError } from '#kit/config/config.js';
import { defineService } from '#kit/host/define-service.js';

const noTables = () => ({ migrations: [], grpcServices: () => [] });

describe('a service defined through the kit', () => {
  it('reads the kit settings with its local ports from the mesh declaration as defaults', () => {
    const config = defineService('delivery', noTables).readConfig({ NATS_URL: 'nats://broker:4222' });
    expect(config).to.include({ service: 'delivery', grpcPort: 50053, adminPort: 9103, natsUrl: 'nats://broker:4222' });
  });

  it('reads its own settings too, and reports every problem at once', () => {
    const defined = defineService('mypage', noTables, (read) => ({ rebuild: read.bool('MYPAGE_REBUILD', false) }));
    expect(defined.readConfig({ MYPAGE_REBUILD: 'true', GRPC_PORT: '0' })).to.include({ rebuild: true, grpcPort: 0 });
    expect(() => defined.readConfig({ MYPAGE_REBUILD: 'maybe', GRPC_PORT: 'x' }))
      .to.throw(ConfigError)
      .with.property('problems')
      .that.has.length(2);
  });
});
