import { join } from 'node:path';
import { NatsServer } from './nats-server.js';
import { freePort, waitFor } from './ports.js';

/**
 * A JetStream cluster of `nodes` nats-servers on one machine, routed to each other, each with a
 * store folder of its own under `storeDir`. Ready once the cluster has elected its meta leader,
 * so streams can be created. Nodes can be killed and resumed one by one.
 */
export class NatsCluster {
  private constructor(readonly nodes: readonly NatsServer[]) {}

  /** Every node's client URL, comma-separated: what NATS_URL takes. */
  get url(): string {
    return this.nodes.map((node) => node.url).join(',');
  }

  static async start(options: { nodes: number; storeDir: string; ports?: readonly number[] }): Promise<NatsCluster> {
    const routePorts: number[] = [];
    for (let index = 0; index < options.nodes; index += 1) routePorts.push(await freePort());
    const nodes = await Promise.all(
      routePorts.map(async (port, index) =>
        NatsServer.start({
          storeDir: join(options.storeDir, `node-${index + 1}`),
          port: options.ports?.[index],
          cluster: { name: 'bookstore', serverName: `nats-${index + 1}`, port, routePorts },
        }),
      ),
    );
    const cluster = new NatsCluster(nodes);
    await waitFor(() => cluster.hasMetaLeader(), 'the NATS cluster to elect its JetStream meta leader', 60_000, 200);
    return cluster;
  }

  async hasMetaLeader(): Promise<boolean> {
    for (const node of this.nodes) {
      const response = await fetch(`http://127.0.0.1:${node.monitorPort}/jsz`).catch(() => undefined);
      if (response?.ok !== true) continue;
      const jsz = (await response.json()) as { meta_cluster?: { leader?: string } };
      if ((jsz.meta_cluster?.leader ?? '') !== '') return true;
    }
    return false;
  }

  async pause(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.pause()));
  }
}
