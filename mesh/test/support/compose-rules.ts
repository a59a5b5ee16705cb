import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { repoRoot } from '../../envoy/generated-files.js';

/** The parts of the Compose specification mesh/envoy/compose.yaml uses, long syntax throughout. */
export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  volumes: Record<string, object>;
}
export interface ComposeService {
  image: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: { target: number; published: string; host_ip: string }[];
  volumes?: { type: string; source: string; target: string; read_only?: boolean }[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval: string; timeout: string; retries: number; start_period: string };
  stop_grace_period?: string;
  restart?: string;
  /** Only the default network, with extra DNS names for the service. */
  networks?: { default: { aliases: string[] } };
}

const topLevelKeys = new Set(['name', 'services', 'volumes']);
/** Keys these rules know how to check; any other (a misspelt `depend_on`, a new setting) is refused until they do. */
const serviceKeys = new Set(['image', 'build', 'command', 'environment', 'ports', 'volumes', 'depends_on', 'healthcheck', 'stop_grace_period', 'restart', 'networks']);
const conditions = new Set(['service_started', 'service_healthy', 'service_completed_successfully']);
const restartPolicies = new Set(['no', 'always', 'on-failure', 'unless-stopped']);
const duration = /^(\d+(us|ms|s|m|h))+$/;
const name = /^[a-zA-Z0-9._-]+$/;

type Exists = (repoPath: string) => boolean;

/**
 * What `docker compose config` would refuse, or what would keep the file from starting, in the
 * parts the file uses: unknown keys, references to services and volumes that do not exist, files the
 * build or a bind mount needs, a dependency on health nobody checks or on an exit that never comes
 * (a one-shot with a restart policy), host ports published twice, values YAML could retype.
 * Paths are relative to `composeDir` (a repository path), as Compose resolves them.
 */
export function composeProblems(compose: ComposeFile, composeDir: string, exists: Exists = (path) => existsSync(join(repoRoot, path))): string[] {
  const services = Object.entries(compose.services);
  const mounted = new Set(services.flatMap(([, service]) => (service.volumes ?? []).filter((mount) => mount.type === 'volume').map((mount) => mount.source)));
  const hostPorts = services.flatMap(([serviceName, service]) => (service.ports ?? []).map((port) => `${port.host_ip}:${port.published} (${serviceName})`));
  return [
    ...Object.keys(compose).filter((key) => !topLevelKeys.has(key)).map((key) => `unknown top-level key ${key}`),
    ...services.flatMap(([serviceName, service]) =>
      [
        ...settingProblems(service, composeDir, exists),
        ...mountProblems(service, compose, composeDir, exists),
        ...dependencyProblems(service, compose),
        ...(name.test(serviceName) ? [] : ['the name is not [a-zA-Z0-9._-]+']),
      ].map((problem) => `services.${serviceName}: ${problem}`),
    ),
    ...hostPorts.filter((port, index) => hostPorts.findIndex((other) => other.split(' ')[0] === port.split(' ')[0]) !== index).map((port) => `host port ${port} is published twice`),
    ...Object.keys(compose.volumes).filter((volume) => !mounted.has(volume)).map((volume) => `volume ${volume} is declared but not mounted`),
  ];
}

function settingProblems(service: ComposeService, composeDir: string, exists: Exists): string[] {
  const problems = Object.keys(service).filter((key) => !serviceKeys.has(key)).map((key) => `unknown key ${key}`);
  if (typeof service.image !== 'string' || service.image === '') problems.push('no image');
  if (service.build !== undefined) {
    const dockerfile = posix.join(composeDir, service.build.context, service.build.dockerfile);
    if (!exists(dockerfile)) problems.push(`build: ${dockerfile} does not exist`);
  }
  for (const [key, value] of Object.entries(service.environment ?? {})) {
    if (typeof value !== 'string') problems.push(`environment.${key}: ${JSON.stringify(value)} is not a string`);
  }
  for (const port of service.ports ?? []) {
    if (!Number.isInteger(port.target) || typeof port.published !== 'string' || !/^\d+$/.test(port.published)) problems.push(`ports: ${JSON.stringify(port)}`);
  }
  const check = service.healthcheck;
  if (check !== undefined) {
    if (!['CMD', 'CMD-SHELL'].includes(check.test[0] ?? '')) problems.push('healthcheck.test starts with neither CMD nor CMD-SHELL');
    const timing = [check.interval, check.timeout, check.start_period].every((value) => duration.test(value)) && Number.isInteger(check.retries) && check.retries > 0;
    if (!timing) problems.push('healthcheck: interval, timeout, start_period must be durations, retries a positive integer');
  }
  if (service.restart !== undefined && !restartPolicies.has(service.restart)) problems.push(`restart: ${service.restart}`);
  if (service.networks !== undefined) {
    const { default: network, ...others } = service.networks;
    if (Object.keys(others).length > 0) problems.push(`networks: only default is declared, not ${Object.keys(others).join(', ')}`);
    if (!Array.isArray(network.aliases) || !network.aliases.every((alias) => /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/.test(alias))) problems.push('networks.default.aliases: a list of DNS names');
  }
  if (service.stop_grace_period !== undefined && !duration.test(service.stop_grace_period)) problems.push(`stop_grace_period: ${service.stop_grace_period}`);
  return problems;
}

function mountProblems(service: ComposeService, compose: ComposeFile, composeDir: string, exists: Exists): string[] {
  return (service.volumes ?? []).flatMap((mount) => {
    if (!posix.isAbsolute(mount.target)) return [`volumes: target ${mount.target} is not absolute`];
    if (mount.type === 'volume') return mount.source in compose.volumes ? [] : [`volumes: volume ${mount.source} is not declared`];
    if (mount.type === 'bind') return exists(posix.join(composeDir, mount.source)) ? [] : [`volumes: ${mount.source} does not exist`];
    return [`volumes: type ${mount.type}`];
  });
}

function dependencyProblems(service: ComposeService, compose: ComposeFile): string[] {
  return Object.entries(service.depends_on ?? {}).flatMap(([dependency, { condition }]) => {
    const target = compose.services[dependency];
    if (target === undefined) return [`depends_on: no service ${dependency}`];
    if (!conditions.has(condition)) return [`depends_on.${dependency}: condition ${condition}`];
    if (condition === 'service_healthy' && target.healthcheck === undefined) return [`depends_on.${dependency}: it has no healthcheck`];
    if (condition === 'service_completed_successfully' && (target.restart ?? 'no') !== 'no') return [`depends_on.${dependency}: it restarts, so it never completes`];
    return [];
  });
}
