import type { ClientOptions } from '@grpc/grpc-js';

/** Where a client connects, and how it picks among what the target resolves to. */
export interface ChannelTarget {
  target: string;
  options: Partial<ClientOptions>;
}

/**
 * Calls go round robin over every ready address: the replicas named in a list, or every address a
 * DNS name resolves to. An address that drains (GOAWAY) or refuses connections is skipped until it
 * is ready again, so one replica restarting costs no call.
 */
const roundRobin = JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] });

/**
 * grpc-js backs off up to two minutes between reconnects by default, so a callee that restarted
 * would stay unreachable long after it is back.
 */
const reconnectQuickly: Partial<ClientOptions> = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1_000,
};

const ipv4Address = /^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/;

/**
 * The channel target of `address`: one `host:port` (DNS in a cluster) or a comma-separated list of
 * replicas' IPv4 `host:port`s (the local mesh, `make dev REPLICAS=2`).
 */
export function channelTarget(address: string): ChannelTarget {
  const addresses = address.split(',');
  if (addresses.length > 1 && !addresses.every((one) => ipv4Address.test(one))) {
    throw new Error(`a list of replica addresses must be IPv4 host:port pairs, got "${address}"`);
  }
  return {
    target: addresses.length > 1 ? `ipv4:${address}` : address,
    options: { ...reconnectQuickly, 'grpc.service_config': roundRobin },
  };
}
