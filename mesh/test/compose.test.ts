import { expect } from 'chai';
import { peerAddressVariable } from '#kit/config/peer-address.js';
import { posix } from 'node:path';
import type { IDeployment, IStatefulSet } from 'kubernetes-models/apps/v1';
import { serviceImage } from '../../manifests/generator/cluster.js';
import { baseDir } from '../../manifests/generator/render.js';
import { descriptorSetPath } from '../envoy/bootstrap.js';
import { composePath, descriptorSetService, imageDataDir, imageDescriptorSet, renderCompose } from '../envoy/compose.js';
import { descriptorSetFile } from '../envoy/descriptor-services.js';
import { edgeCaller } from '../envoy/edge-plan.js';
import { repoRoot } from '../envoy/generated-files.js';
import { committedSources, envoyBootstrapPath, renderEnvoy } from '../envoy/render.js';
import { clusterAdminPort, clusterGrpcPort, edgePort, meshServices } from '../policy/services.js';
import { composeProblems, type ComposeFile, type ComposeService } from './support/compose-rules.js';
import { driftProblems } from './support/drift.js';
import { committedEdgeConfig } from './support/envoy-config.js';
import { readRepoFile, readYaml } from './support/repo-files.js';

const composeDir = posix.dirname(composePath);
const committed = (): ComposeFile => {
  const documents = readYaml(composePath);
  expect(documents, 'one YAML document').to.have.length(1);
  return structuredClone(documents[0]) as ComposeFile;
};
const serviceOf = (compose: ComposeFile, name: string): ComposeService => {
  const service = compose.services[name];
  if (service === undefined) throw new Error(`${composePath} has no service ${name}`);
  return service;
};
/** The image a committed base manifest runs in its first container. */
const baseImage = (path: string): string | undefined => {
  const [workload] = readYaml(`${baseDir}/${path}`).filter((object) => ['Deployment', 'StatefulSet'].includes((object as { kind: string }).kind)) as (IDeployment | IStatefulSet)[];
  return workload?.spec?.template.spec?.containers[0]?.image;
};

describe('the docker compose file (mesh/envoy/compose.yaml): REST through Envoy without a cluster', () => {
  const compose = committed();
  const { clusters } = committedEdgeConfig();
  const edge = serviceOf(compose, edgeCaller);

  it("equals its generator's output", () => {
    const sources = committedSources();
    expect(driftProblems([renderCompose(sources.services, renderEnvoy(sources).plan.upstreams)], [])).to.deep.equal([]);
  });

  it('keeps to the Compose rules the validator knows', () => {
    expect(composeProblems(compose, composeDir)).to.deep.equal([]);
  });

  it('has every service of services.ts, and every Envoy cluster resolves to one of them (by its alias) on the port it listens on', () => {
    for (const service of meshServices) expect(compose.services, service.name).to.have.property(service.name);
    for (const cluster of clusters) {
      const addresses = cluster.load_assignment.endpoints.flatMap((locality) => locality.lb_endpoints.map((entry) => entry.endpoint.address.socket_address));
      for (const { address, port_value } of addresses) {
        const named = Object.entries(compose.services).filter(([, service]) => service.networks?.default.aliases.includes(address) === true);
        expect(named.map(([name]) => name), `${cluster.name} -> ${address}`).to.deep.equal([cluster.name]);
        expect(serviceOf(compose, cluster.name).environment?.['GRPC_PORT'], `${cluster.name} -> ${address}:${String(port_value)}`).to.equal(String(port_value));
        expect(edge.depends_on?.[cluster.name], `the edge waits for ${cluster.name}`).to.deep.equal({ condition: 'service_healthy' });
      }
    }
  });

  it('runs every service from the one service image built from manifests/image/Dockerfile, its store on a volume', () => {
    for (const { name } of meshServices) {
      const service = serviceOf(compose, name);
      expect(service.image).to.equal(serviceImage());
      expect(posix.join(composeDir, service.build?.context ?? '', service.build?.dockerfile ?? '')).to.equal('manifests/image/Dockerfile');
      expect(service.command).to.deep.equal(['node', '--max-semi-space-size=4', `dist/services/${name}/src/main.js`]);
      const database = service.environment?.['DATABASE_URL'] ?? '';
      expect(database).to.match(/^sqlite:\/\//);
      expect(service.volumes?.map((mount) => [mount.type, mount.target])).to.deep.include(['volume', posix.dirname(database.slice('sqlite://'.length))]);
      expect(service.depends_on?.['nats']).to.deep.equal({ condition: 'service_healthy' });
      expect(service.healthcheck?.test.join(' ')).to.include(`http://127.0.0.1:${String(clusterAdminPort)}/readyz`);
    }
  });

  it('configures every service for compose: cluster ports, NATS, peers by compose name, in-process resilience on', () => {
    for (const { name, localGrpcPort, localAdminPort } of meshServices) {
      const service = serviceOf(compose, name);
      expect(service.environment).to.include({
        GRPC_PORT: String(clusterGrpcPort),
        ADMIN_PORT: String(clusterAdminPort),
        NATS_URL: 'nats://nats:4222',
        // No sidecars: order -> catalog and order -> coupon have no proxy but the process itself.
        IN_PROCESS_RESILIENCE: 'true',
      });
      for (const peer of meshServices) expect(service.environment?.[peerAddressVariable(peer.name)]).to.equal(`${peer.name}:${String(clusterGrpcPort)}`);
      expect(service.ports).to.deep.equal([
        { target: clusterGrpcPort, published: String(localGrpcPort), host_ip: '127.0.0.1' },
        { target: clusterAdminPort, published: String(localAdminPort), host_ip: '127.0.0.1' },
      ]);
    }
  });

  it('runs Envoy of the manifests with mesh/envoy/envoy.yaml and the descriptor set where the bootstrap reads them', () => {
    expect(edge.image).to.equal(baseImage('edge/edge.yaml'));
    const configPath = edge.command?.[(edge.command.indexOf('--config-path')) + 1];
    const bootstrap = edge.volumes?.find((mount) => mount.target === configPath);
    expect(bootstrap?.type).to.equal('bind');
    expect(posix.join(composeDir, bootstrap?.source ?? '')).to.equal(envoyBootstrapPath);
    expect(edge.ports).to.deep.equal([{ target: edgePort, published: String(edgePort), host_ip: '127.0.0.1' }]);

    const descriptorVolume = edge.volumes?.find((mount) => mount.target === posix.dirname(descriptorSetPath));
    expect(descriptorVolume).to.include({ type: 'volume', read_only: true });
    const copy = serviceOf(compose, descriptorSetService);
    expect(copy.image).to.equal(serviceImage());
    expect(posix.join(repoRoot, imageDescriptorSet)).to.equal(descriptorSetFile);
    const [, from, to = ''] = copy.command ?? [];
    expect(from).to.equal(imageDescriptorSet);
    expect(copy.volumes).to.deep.equal([{ type: 'volume', source: descriptorVolume?.source, target: posix.dirname(to) }]);
    expect(posix.basename(to)).to.equal(posix.basename(descriptorSetPath));
    expect(edge.depends_on?.[descriptorSetService]).to.deep.equal({ condition: 'service_completed_successfully' });
  });

  it('runs NATS with JetStream on its store volume, the image of the manifests, checked healthy', () => {
    const nats = serviceOf(compose, 'nats');
    expect(nats.image).to.equal(baseImage('nats/nats.yaml'));
    expect(nats.command).to.include('--jetstream');
    const store = nats.command?.[nats.command.indexOf('--store_dir') + 1];
    expect(nats.volumes?.map((mount) => [mount.type, mount.target])).to.deep.equal([['volume', store]]);
    expect(nats.healthcheck?.test.join(' ')).to.include('/healthz?js-enabled-only=true');
  });

  it('gets volume directories the service user owns from the image (an empty volume takes the owner of its mount point)', () => {
    const dockerfile = readRepoFile('manifests/image/Dockerfile').split('\n');
    const finalStage = dockerfile.slice(dockerfile.findLastIndex((line) => line.startsWith('FROM ')));
    const owned = finalStage.indexOf(`RUN mkdir -p ${imageDataDir} && chown node:node ${imageDataDir}`);
    expect(owned).to.be.greaterThan(-1);
    expect(owned).to.be.lessThan(finalStage.indexOf('USER node'));
    for (const service of [...meshServices.map(({ name }) => name), descriptorSetService]) {
      expect(serviceOf(compose, service).volumes?.map((mount) => mount.target)).to.deep.equal([imageDataDir]);
    }
  });

  describe('the rules refuse what Compose would refuse or could not start', () => {
    const problemsAfter = (change: (broken: ComposeFile) => void): string => {
      const broken = committed();
      change(broken);
      return composeProblems(broken, composeDir).join('\n');
    };

    it('a misspelt key', () => {
      expect(problemsAfter((broken) => Object.assign(serviceOf(broken, 'catalog'), { depend_on: {} }))).to.match(/catalog: unknown key depend_on/);
    });
    it('a dependency on a missing service, on health nobody checks, on the exit of a service that restarts', () => {
      const problems = problemsAfter((broken) => {
        delete serviceOf(broken, 'catalog').healthcheck;
        serviceOf(broken, descriptorSetService).restart = 'always';
        serviceOf(broken, 'order').depends_on = { warehouse: { condition: 'service_started' } };
      });
      expect(problems).to.match(/edge: depends_on.catalog: it has no healthcheck/).and.match(/edge: depends_on.descriptor-set: it restarts/).and.match(/order: depends_on: no service warehouse/);
    });
    it('an undeclared or unused volume, a bind mount of a missing file, a missing Dockerfile', () => {
      const problems = problemsAfter((broken) => {
        broken.volumes = { ...broken.volumes, spare: {} };
        delete broken.volumes['catalog-data'];
        const edgeMounts = serviceOf(broken, edgeCaller).volumes ?? [];
        if (edgeMounts[0] !== undefined) edgeMounts[0].source = './missing.yaml';
        serviceOf(broken, 'order').build = { context: '.', dockerfile: 'Dockerfile' };
      });
      expect(problems)
        .to.match(/catalog: volumes: volume catalog-data is not declared/)
        .and.match(/volume spare is declared but not mounted/)
        .and.match(/edge: volumes: \.\/missing\.yaml does not exist/)
        .and.match(/order: build: mesh\/envoy\/Dockerfile does not exist/);
    });
    it('a host port published twice, a value YAML would retype, a malformed duration', () => {
      const problems = problemsAfter((broken) => {
        const order = serviceOf(broken, 'order');
        order.ports = serviceOf(broken, 'catalog').ports;
        (order.environment as Record<string, unknown>)['GRPC_PORT'] = 50051;
        order.stop_grace_period = '30 seconds';
      });
      expect(problems).to.match(/host port 127\.0\.0\.1:50051 \(order\) is published twice/).and.match(/GRPC_PORT: 50051 is not a string/).and.match(/stop_grace_period: 30 seconds/);
    });
  });
});
