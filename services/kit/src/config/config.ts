/**
 * Configuration from the environment (12-factor). Every value is read through a typed reader that
 * records what is wrong instead of throwing at the first problem, so a misconfigured pod says
 * everything that is wrong with it in one line at start.
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface ConfigReader {
  string(name: string, fallback?: string): string;
  optionalString(name: string): string | undefined;
  int(name: string, fallback: number | undefined, range?: { min?: number; max?: number }): number;
  port(name: string, fallback?: number): number;
  /** A number from 0 to 1, e.g. a sampling ratio. */
  ratio(name: string, fallback: number): number;
  bool(name: string, fallback: boolean): boolean;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  /** host:port of a gRPC peer (DNS in a cluster), or a comma-separated list of its replicas (the local mesh). */
  address(name: string, fallback?: string): string;
  /** A URL that must start with one of `schemes` (e.g. 'postgres://', 'sqlite:'). */
  url(name: string, fallback: string, schemes: readonly string[]): string;
}

export function readConfig<T>(build: (env: ConfigReader) => T, env: Env = process.env): T {
  const problems: string[] = [];
  const raw = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const missing = (name: string): void => {
    problems.push(`${name} is required`);
  };

  const reader: ConfigReader = {
    string(name, fallback) {
      const value = raw(name) ?? fallback;
      if (value === undefined) missing(name);
      return value ?? '';
    },
    optionalString(name) {
      return raw(name);
    },
    int(name, fallback, range = {}) {
      const text = raw(name);
      if (text === undefined) {
        if (fallback === undefined) missing(name);
        return fallback ?? 0;
      }
      const value = Number(text);
      if (!Number.isInteger(value)) {
        problems.push(`${name} must be a whole number, got "${text}"`);
        return fallback ?? 0;
      }
      if (range.min !== undefined && value < range.min) problems.push(`${name} must be >= ${range.min}, got ${value}`);
      if (range.max !== undefined && value > range.max) problems.push(`${name} must be <= ${range.max}, got ${value}`);
      return value;
    },
    port(name, fallback) {
      return reader.int(name, fallback, { min: 0, max: 65535 });
    },
    ratio(name, fallback) {
      const text = raw(name);
      if (text === undefined) return fallback;
      const value = Number(text);
      if (Number.isFinite(value) && value >= 0 && value <= 1) return value;
      problems.push(`${name} must be a number from 0 to 1, got "${text}"`);
      return fallback;
    },
    bool(name, fallback) {
      const text = raw(name);
      if (text === undefined) return fallback;
      if (/^(1|true|yes|on)$/i.test(text)) return true;
      if (/^(0|false|no|off)$/i.test(text)) return false;
      problems.push(`${name} must be true or false, got "${text}"`);
      return fallback;
    },
    oneOf(name, allowed, fallback) {
      const text = raw(name);
      if (text === undefined) return fallback;
      const match = allowed.find((candidate) => candidate === text);
      if (match === undefined) problems.push(`${name} must be one of ${allowed.join(', ')}, got "${text}"`);
      return match ?? fallback;
    },
    address(name, fallback) {
      const value = raw(name) ?? fallback;
      if (value === undefined) {
        missing(name);
        return '';
      }
      if (!/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}(,[A-Za-z0-9.\-_[\]:]+:\d{1,5})*$/.test(value)) {
        problems.push(`${name} must be host:port or a comma-separated list of them (replicas), got "${value}"`);
      }
      return value;
    },
    url(name, fallback, schemes) {
      const value = raw(name) ?? fallback;
      if (!schemes.some((scheme) => value.startsWith(scheme))) problems.push(`${name} must start with ${schemes.join(' or ')}, got "${redacted(value)}"`);
      return value;
    },
  };

  const config = build(reader);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** A URL as it may be shown in a log: without its password. */
function redacted(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}
