import { posix } from 'node:path';
import { stringify } from 'yaml';
import { envoyImage, serviceImage } from '../../manifests/generator/cluster.js';
import { natsImage } from '../../manifests/generator/nats.js';
import { terminationGracePeriodSeconds } from '../../manifests/generator/pod-defaults.js';
import { natsService, serviceEnvironment } from '../../manifests/generator/shared-config.js';
import { authName } from '../../manifests/generator/auth-workload.js';
import { clusterAuth } from '../policy/access.js';
import { callEdges } from '../policy/resilience.js';
import { authPort, clusterAdminPort, clusterGrpcPort, edgePort, externalSystem, externalSystems, type ExternalSystem, type MeshService } from '../policy/services.js';
import { imageCommand, serviceEntry } from '../policy/runtime.js';
import { descriptorSetPath } from './bootstrap.js';
import { edgeCaller, podsName, type EdgeUpstream } from './edge-plan.js';
import { generatedNotice, type GeneratedFile } from './generated-files.js';
import type { JsonObject } from './json.js';
import { envoyBootstrapPath } from './render.js';

export const composePath = 'mesh/envoy/compose.yaml';
/** The one-shot container that copies the descriptor set out of the service image for Envoy. */
export const descriptorSetService = 'descriptor-set';
/**
 * A directory of the service image its user owns (manifests/image/Dockerfile): an empty named
 * volume mounted on it takes that owner, so the service can write its SQLite file there.
 */
export const imageDataDir = '/var/lib/bookstore';
/** Where the service image has the descriptor set `make proto` wrote at build time (WORKDIR /app). */
export const imageDescriptorSet = 'proto/gen/bookstore.binpb';
const natsMonitorPort = 8222;
const natsStoreDir = '/data';
const envoyConfigPath = '/etc/envoy/envoy.yaml';
const health = { interval: '5s', timeout: '3s', retries: 3, start_period: '60s' };
const readyProbe = (port: number): string => `fetch('http://127.0.0.1:${String(port)}/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;

/**
 * Every service of services.ts from the one service image, NATS with JetStream, and the Envoy edge
 * with mesh/envoy/envoy.yaml: REST through Envoy without a cluster. Service names are the mesh
 * names, which the bootstrap's STRICT_DNS clusters resolve (`<name>:50051`).
 */
export function renderCompose(services: readonly MeshService[], upstreams: readonly EdgeUpstream[]): GeneratedFile {
  const taken = services.map((service) => service.name).filter((name) => [natsService, descriptorSetService, edgeCaller, authName].includes(name));
  if (taken.length > 0) throw new Error(`services.ts: ${taken.join(', ')} is the name of a compose service of the shop itself`);
  const compose = {
    name: 'bookstore-mesh',
    services: {
      [natsService]: nats(),
      [descriptorSetService]: descriptorSetCopy(),
      ...Object.fromEntries(services.map((service) => [service.name, meshContainer(service, services)])),
      ...Object.fromEntries(externalSystems.map((system) => [system.name, externalStandIn(system)])),
      [authName]: auth(services),
      [edgeCaller]: edge(upstreams),
    },
    volumes: Object.fromEntries(
      [`${natsService}-data`, descriptorSetService, `${authName}-data`, ...services.map(dataVolume), ...externalSystems.map((system) => `${system.name}-data`)].map((name) => [name, {}]),
    ),
  };
  const usage = [
    '# REST through Envoy without a cluster. From the repository root:',
    '#   docker compose -f mesh/envoy/compose.yaml up --build',
    '#   curl http://127.0.0.1:8080/books',
    '#   curl http://127.0.0.1:8080/.well-known/openid-configuration   (the token service, through the edge)',
    '# Why each setting: mesh/README.md, "docker compose".',
    '',
  ].join('\n');
  return { path: composePath, content: generatedNotice('mesh/envoy/generate.ts') + usage + stringify(compose, { lineWidth: 0, aliasDuplicateObjects: false }) };
}

function nats(): JsonObject {
  return {
    image: natsImage,
    command: ['nats-server', '--jetstream', '--store_dir', natsStoreDir, '--http_port', String(natsMonitorPort)],
    volumes: [volume(`${natsService}-data`, natsStoreDir)],
    healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${String(natsMonitorPort)}/healthz?js-enabled-only=true`], ...health },
    restart: 'unless-stopped',
  };
}

/** The descriptor set of the image the services run, so Envoy transcodes their very contracts. */
function descriptorSetCopy(): JsonObject {
  return {
    ...serviceImageAndBuild(),
    command: ['cp', imageDescriptorSet, `${imageDataDir}/${posix.basename(descriptorSetPath)}`],
    // No restart policy: it runs once, and Envoy starts when it has exited 0.
    volumes: [volume(descriptorSetService, imageDataDir)],
  };
}

/**
 * One service: the cluster's ConfigMap settings, except IN_PROCESS_RESILIENCE. There are no
 * sidecars here, so the in-process policy is all that guards a service-to-service call (order ->
 * catalog, order -> coupon); Envoy's retries cover the edge -> service hop only, which services
 * never retry themselves, so nothing stacks.
 */
function meshContainer(service: MeshService, services: readonly MeshService[]): JsonObject {
  return {
    ...serviceImageAndBuild(),
    command: imageCommand(serviceEntry(service.name)),
    environment: {
      ...serviceEnvironment(services),
      IN_PROCESS_RESILIENCE: 'true',
      GRPC_PORT: String(clusterGrpcPort),
      ADMIN_PORT: String(clusterAdminPort),
      DATABASE_URL: `sqlite://${imageDataDir}/${service.name}.sqlite`,
      // The card processor's stand-in runs next to the shop here, as under make dev.
      PROCESSOR_URL: `http://card-processor:${String(externalSystem('card-processor').localPort)}`,
    },
    // The make dev ports, on loopback only: grpcurl and the admin endpoints as on one machine.
    ports: [published(service.localGrpcPort, clusterGrpcPort), published(service.localAdminPort, clusterAdminPort)],
    volumes: [volume(dataVolume(service), imageDataDir)],
    // The name the edge's clusters resolve; Docker's DNS answers it with every replica's address.
    networks: { default: { aliases: [podsName(service.name)] } },
    depends_on: { [natsService]: { condition: 'service_healthy' } },
    healthcheck: { test: ['CMD', 'node', '-e', readyProbe(clusterAdminPort)], ...health },
    // Docker's SIGKILL must not cut the drain of SHUTDOWN_GRACE_MS short.
    stop_grace_period: `${String(terminationGracePeriodSeconds)}s`,
    restart: 'unless-stopped',
  };
}

/** An external system's stand-in (the card processor), from the service image, on its make dev port. */
function externalStandIn(system: ExternalSystem): JsonObject {
  return {
    ...serviceImageAndBuild(),
    command: imageCommand(system.localEntry),
    environment: { PROCESSOR_HOST: '0.0.0.0', PROCESSOR_PORT: String(system.localPort), PROCESSOR_DATABASE: `${imageDataDir}/${system.name}.sqlite` },
    ports: [published(system.localPort, system.localPort)],
    volumes: [volume(`${system.name}-data`, imageDataDir)],
    restart: 'unless-stopped',
  };
}

function edge(upstreams: readonly EdgeUpstream[]): JsonObject {
  return {
    image: envoyImage,
    command: ['envoy', '--config-path', envoyConfigPath, '--disable-hot-restart', '--log-level', 'info'],
    ports: [published(edgePort, edgePort)],
    volumes: [
      { type: 'bind', source: `./${posix.relative(posix.dirname(composePath), envoyBootstrapPath)}`, target: envoyConfigPath, read_only: true },
      { ...volume(descriptorSetService, posix.dirname(descriptorSetPath)), read_only: true },
    ],
    depends_on: {
      [descriptorSetService]: { condition: 'service_completed_successfully' },
      [authName]: { condition: 'service_healthy' },
      ...Object.fromEntries(upstreams.map(({ service }) => [service.name, { condition: 'service_healthy' }])),
    },
    restart: 'unless-stopped',
  };
}

/**
 * The token service, under the cluster's DNS name as a network alias, so the edge's jwt_authn
 * fetches the JWKS and checks the issuer exactly as in a cluster. Its signing keys and staff
 * secrets are made at first start in its volume (`docker compose exec auth cat …` shows them).
 */
function auth(services: readonly MeshService[]): JsonObject {
  const dataDir = `${imageDataDir}/${authName}`;
  return {
    ...serviceImageAndBuild(),
    command: imageCommand(serviceEntry(authName)),
    environment: {
      ...serviceEnvironment(services),
      IN_PROCESS_RESILIENCE: 'true',
      AUTH_PORT: String(authPort),
      AUTH_ISSUER: clusterAuth.issuer,
      AUTH_DATA_DIR: dataDir,
    },
    ports: [published(authPort, authPort)],
    volumes: [volume(`${authName}-data`, imageDataDir)],
    networks: { default: { aliases: [clusterAuth.host] } },
    // Its callees in the call edges (it signs customers in through the customer service).
    depends_on: Object.fromEntries(callEdges.filter((edge) => edge.caller === authName).map((edge) => [edge.callee, { condition: 'service_healthy' }])),
    healthcheck: { test: ['CMD', 'node', '-e', readyProbe(authPort)], ...health },
    stop_grace_period: `${String(terminationGracePeriodSeconds)}s`,
    restart: 'unless-stopped',
  };
}

/** Built from the repository root on `up --build`; every service runs this one image. */
function serviceImageAndBuild(): JsonObject {
  return { image: serviceImage(), build: { context: posix.relative(posix.dirname(composePath), '.'), dockerfile: 'manifests/image/Dockerfile' } };
}

const dataVolume = (service: MeshService): string => `${service.name}-data`;

function volume(source: string, target: string): JsonObject {
  return { type: 'volume', source, target };
}

function published(hostPort: number, containerPort: number): JsonObject {
  return { target: containerPort, published: String(hostPort), host_ip: '127.0.0.1' };
}
