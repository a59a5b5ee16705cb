import { existsSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { repoRoot } from '../../envoy/generated-files.js';

/** Envoy's API protos and the trees they import, as @grpc/grpc-js-xds ships them. */
const xdsDeps = join(repoRoot, 'node_modules/@grpc/grpc-js-xds/deps');
const includeRoots = [
  join(xdsDeps, 'envoy-api'),
  join(xdsDeps, 'xds'), // cncf/xds: xds/* and udpa/*
  join(xdsDeps, 'protoc-gen-validate'),
  join(xdsDeps, 'googleapis'),
  // google/protobuf/descriptor.proto, imported by the annotation protos; protobufjs bundles the rest.
  join(repoRoot, 'node_modules/protobufjs'),
];

/** The bootstrap and every extension the edge config names in a typed_config. */
const entryProtos = [
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/http/grpc_json_transcoder/v3/transcoder.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/health_check/v3/health_check.proto',
  'envoy/extensions/filters/http/jwt_authn/v3/config.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/access_loggers/stream/v3/stream.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
];

let loaded: protobuf.Root | undefined;

export function envoyApi(): protobuf.Root {
  if (loaded !== undefined) return loaded;
  if (!existsSync(xdsDeps)) throw new Error(`${xdsDeps} is missing: run npm ci`);
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => includeRoots.map((dir) => join(dir, target)).find((path) => existsSync(path)) ?? target;
  root.loadSync(entryProtos, { keepCase: true });
  root.resolveAll();
  loaded = root;
  return root;
}

export function bootstrapType(): protobuf.Type {
  return envoyApi().lookupType('envoy.config.bootstrap.v3.Bootstrap');
}
