import { ConfigError, readConfig } from '#kit/config/config.js';
import { databaseUrlSchemes } from '#kit/config/service-config.js';
import { exitConfigError } from '#kit/host/lifecycle.js';
import { externalSystems, meshServices } from '../policy/services.js';
import { LocalMesh } from './local-mesh.js';
import { formatLogLine } from './log-lines.js';

/**
 * `make dev`: the whole shop on one machine. Environment, validated before anything starts (one
 * line and exit 78 on a problem, as a service does):
 *   MESH_DATA_DIR      SQLite files and the nats-server store (.data)
 *   NATS_URL           use this broker instead of starting one
 *   MESH_NATS_PORT     port of the nats-server we start (a free one by default)
 *   <SERVICE>_DATABASE_URL, e.g. CATALOG_DATABASE_URL=postgres://…  switch one service to PostgreSQL
 */
function readMeshConfig() {
  try {
    return readConfig((env) => ({
      dataDir: env.string('MESH_DATA_DIR', '.data'),
      natsUrl: env.optionalString('NATS_URL'),
      natsPort: env.optionalString('MESH_NATS_PORT') === undefined ? undefined : env.port('MESH_NATS_PORT'),
      databaseUrls: Object.fromEntries(
        meshServices.flatMap((service) => {
          const name = `${service.name.toUpperCase()}_DATABASE_URL`;
          const url = env.optionalString(name);
          return url === undefined ? [] : [[service.name, env.url(name, url, databaseUrlSchemes)]];
        }),
      ),
    }));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`the local mesh did not start: ${error.message}`);
    process.exit(exitConfigError);
  }
}

const config = readMeshConfig();

const labels = [...meshServices.map((service) => service.name), 'auth', 'edge', ...externalSystems.map((system) => system.name)];
const color = process.stdout.isTTY;
const print = (label: string, line: string): void => {
  process.stdout.write(`${formatLogLine(label, line, Math.max(0, labels.indexOf(label.replace(/-\d+$/, ''))), color)}\n`);
};

console.log('starting the local mesh …');
const mesh = await LocalMesh.start({ ...config, ports: 'fixed', onLine: print }).catch((error: unknown) => {
  console.error(`the local mesh did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

console.log(`
bookstore-mesh is up (Ctrl-C stops it)
  REST edge   ${mesh.edgeUrl}        e.g. curl ${mesh.edgeUrl}/books
  tokens      ${mesh.authUrl}        e.g. make -s token ROLE=book-manager
  NATS        ${mesh.natsUrl}
${meshServices.map((service) => `  ${service.name.padEnd(10)}  gRPC ${mesh.grpcAddress(service.name)}   admin ${mesh.adminUrl(service.name)}/readyz`).join('\n')}
${externalSystems.map((system) => `  ${system.name.padEnd(10)}  HTTP ${mesh.externalUrl(system.name)}   e.g. curl ${mesh.externalUrl(system.name)}/faults`).join('\n')}
  data        ${mesh.dataDir}   (certificates for grpcurl under tls/)
`);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local mesh …`);
  mesh.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => {
  stop('SIGINT');
});
process.on('SIGTERM', () => {
  stop('SIGTERM');
});
