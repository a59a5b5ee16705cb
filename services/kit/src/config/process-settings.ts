import { logLevels, type LogLevel } from '../log/log.js';
import { readTracingSettings, type TracingSettings } from '../telemetry/settings.js';
import type { ConfigReader } from './config.js';

/** What every process of the mesh reads alike, the services and the edge. */
export interface ProcessSettings {
  logLevel: LogLevel;
  /** Drain time on SIGTERM before in-flight calls are cut (Kubernetes grace period minus margin). */
  shutdownGraceMs: number;
  /** OpenTelemetry's standard OTEL_* variables (telemetry/settings.ts). */
  tracing: TracingSettings;
}

export function readProcessSettings(read: ConfigReader): ProcessSettings {
  return {
    logLevel: read.oneOf('LOG_LEVEL', logLevels, 'info'),
    shutdownGraceMs: read.int('SHUTDOWN_GRACE_MS', 10_000, { min: 0 }),
    tracing: readTracingSettings(read),
  };
}
