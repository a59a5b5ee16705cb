import { ConfigError, readConfig } from '#kit/config/config.js';
import { databaseUrlSchemes } from '#kit/config/service-config.js';
import { exitConfigError } from '#kit/host/lifecycle.js';
import { externalSystems, meshServices } from '../policy/services.js';
import { startConsole } from '../console/console-server.js';
import { meshTargets } from '../console/targets.js';
import { startControlServer } from './control-server.js';
import { LocalMesh } from './local-mesh.js';
import { formatLogLine } from './log-lines.js';
import { defaultTracesPort } from './traces/trace-api.js';

/**
 * `make dev`: the whole shop on one machine. Environment, validated before anything starts (one
 * line and exit 78 on a problem, as a service does):
 *   MESH_DATA_DIR      SQLite files and the nats-server store (.data)
 *   NATS_URL           use this broker instead of starting one
 *   MESH_NATS_PORT     port of the nats-server we start (a free one by default)
 *   NATS_NODES         nats-servers to run as one JetStream cluster (1); streams keep up to 3 copies
 *   <SERVICE>_DATABASE_URL, e.g. CATALOG_DATABASE_URL=postgres://…  switch one service to PostgreSQL
 *   REPLICAS           processes per service (1); <SERVICE>_REPLICAS, e.g. CATALOG_REPLICAS=3, for one
 *   MESH_CONTROL_PORT  the control port `make rollout` calls (9100)
 *   MESH_TRACES_PORT   the trace store's port: OTLP/HTTP and `make trace` (4318)
 *   MESH_CONSOLE_PORT  the console's port (9200): services, replicas and an order's trace in a browser
 */
function readMeshConfig() {
  try {
    return readConfig((env) => ({
      dataDir: env.string('MESH_DATA_DIR', '.data'),
      natsUrl: env.optionalString('NATS_URL'),
      natsPort: env.optionalString('MESH_NATS_PORT') === undefined ? undefined : env.port('MESH_NATS_PORT'),
      natsNodes: env.int('NATS_NODES', 1, { min: 1, max: 5 }),
      controlPort: env.port('MESH_CONTROL_PORT', 9100),
      tracesPort: env.port('MESH_TRACES_PORT', defaultTracesPort),
      consolePort: env.port('MESH_CONSOLE_PORT', 9200),
      replicas: Object.fromEntries(
        meshServices.map((service) => [
          service.name,
          env.int(`${service.name.toUpperCase()}_REPLICAS`, env.int('REPLICAS', 1, { min: 1, max: 8 }), { min: 1, max: 8 }),
        ]),
      ),
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
const mesh = await LocalMesh.start({ ...config, ports: 'fixed', supervise: true, onLine: print }).catch((error: unknown) => {
  console.error(`the local mesh did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

console.log(`
bookstore-mesh is up (Ctrl-C stops it)
  REST edge   ${mesh.edgeUrl}        e.g. curl ${mesh.edgeUrl}/books   admin ${mesh.edgeAdminUrl}/metrics
  tokens      ${mesh.authUrl}        e.g. make -s token ROLE=book-manager
  NATS        ${mesh.natsUrl}
  traces      ${mesh.tracesUrl}        e.g. make trace ORDER=1 (OTLP/HTTP at /v1/traces)
${meshServices
  .flatMap((service) =>
    Array.from({ length: mesh.replicaCount(service.name) }, (_, replica) => {
      const label = mesh.replicaCount(service.name) > 1 ? `${service.name}-${replica + 1}` : service.name;
      return `  ${label.padEnd(10)}  gRPC ${mesh.grpcAddress(service.name, replica)}   admin ${mesh.adminUrl(service.name, replica)}/readyz`;
    }),
  )
  .join('\n')}
${externalSystems.map((system) => `  ${system.name.padEnd(10)}  HTTP ${mesh.externalUrl(system.name)}   e.g. curl ${mesh.externalUrl(system.name)}/faults`).join('\n')}
  control     http://127.0.0.1:${config.controlPort}   make rollout
  console     http://127.0.0.1:${config.consolePort}   the services live, an order's trace
  data        ${mesh.dataDir}   (certificates for grpcurl under tls/)
`);
await startControlServer(mesh, config.controlPort, (line) => { print('mesh', line); });
await startConsole({ port: config.consolePort, targets: () => meshTargets(mesh), tracesUrl: mesh.tracesUrl });

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
