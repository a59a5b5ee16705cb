import { pathToFileURL } from 'node:url';
import { meshService } from '../../../../mesh/policy/services.js';
import type { ConfigReader, Env } from '../config/config.js';
import { readServiceConfig, type ServiceConfig } from '../config/service-config.js';
import { runService } from './run.js';
import { startService, type RunningService, type ServiceBlueprint } from './service-host.js';

/** One service of the mesh as its main.ts declares it: its config, an in-process start, its process entry. */
export interface DefinedService<C extends ServiceConfig> {
  /** The service's name in mesh/policy/services.ts. */
  name: string;
  /** The kit's settings (local ports from the mesh declaration as defaults) and the service's own. */
  readConfig: (env?: Env) => C;
  /** Starts the service in this process, on a blueprint of its own. */
  start: (config: C) => Promise<RunningService<C>>;
  /** Serves until SIGTERM when the module at `importMetaUrl` is the process entry (`node services/<name>/src/main.ts`). */
  runIfEntry: (importMetaUrl: string) => void;
}

/**
 * Declares a service from its blueprint and, when it has settings beyond the kit's, how to read
 * them. The blueprint is made afresh for every start, so state it holds (clients to close) is per start.
 */
export function defineService<X extends object = object>(
  name: string,
  blueprint: () => ServiceBlueprint<ServiceConfig & X>,
  extraConfig?: (read: ConfigReader) => X,
): DefinedService<ServiceConfig & X> {
  const readConfig = (env: Env = process.env): ServiceConfig & X => {
    const { localGrpcPort, localAdminPort } = meshService(name);
    // Without extra settings the reader gives undefined, which the config spreads as nothing.
    return readServiceConfig(name, { grpcPort: localGrpcPort, adminPort: localAdminPort }, (read) => extraConfig?.(read), env);
  };
  return {
    name,
    readConfig,
    start: (config) => startService(config, blueprint()),
    runIfEntry: (importMetaUrl) => {
      if (importMetaUrl === pathToFileURL(process.argv[1] ?? '').href) void runService(name, () => readConfig(), blueprint);
    },
  };
}
