import { expect } from 'chai';
import { peerAddressVariable } from '#kit/config/peer-address.js';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IConfigMap, IService } from 'kubernetes-models/v1';
import { appLabel, clusterNamespace, imageWorkdir, serviceImageName } from '../../manifests/generator/cluster.js';
import { preStopSeconds } from '../../manifests/generator/pod-defaults.js';
import { baseDir, edgeBootstrapCopy } from '../../manifests/generator/render.js';
import { envoyBootstrapPath } from '../envoy/render.js';
import { clusterAdminPort, clusterGrpcPort, meshServices } from '../policy/services.js';
import { kustomizationProblems } from './support/kustomization-rules.js';
import { kustomizeAvailable, kustomizeBuild } from './support/kustomize.js';
import { nameOf, type KubernetesObject } from './support/kubernetes-object.js';
import { schemaProblems } from './support/kubernetes-schemas.js';
import { committedBaseObjects, envFile } from './support/manifest-tree.js';
import { readRepoFile } from './support/repo-files.js';
import { deploymentProblems, portNameProblems } from './support/workload-rules.js';

type Deployment = KubernetesObject & IDeployment;
const overlays = ['manifests/overlays/dev', 'manifests/overlays/prod'];
const deploymentsOf = (objects: readonly KubernetesObject[]): Deployment[] => objects.filter((object): object is Deployment => object.kind === 'Deployment');

describe('the Kubernetes manifests', () => {
  const base = committedBaseObjects();
  const serviceEnv = envFile(readRepoFile(`${baseDir}/config/services.env`));

  describe('the committed base', () => {
    it('validates strictly against the Kubernetes v1.35.0 schemas', () => {
      expect(base.flatMap(schemaProblems)).to.deep.equal([]);
    });

    it('kustomizations (base and overlays) name only files that exist', () => {
      expect([baseDir, ...overlays].flatMap((dir) => kustomizationProblems(dir))).to.deep.equal([]);
    });

    it('every Deployment has readiness and liveness probes, resource requests, an HPA and a PDB', () => {
      expect(deploymentProblems(base)).to.deep.equal([]);
    });

    it('every container and Service port is named for Istio protocol selection', () => {
      expect(portNameProblems(base)).to.deep.equal([]);
    });

    it('covers every service of services.ts with a Deployment on its image and command, and a Service on its ports', () => {
      for (const service of meshServices) {
        const deployment = deploymentsOf(base).find((candidate) => candidate.metadata.name === service.name);
        const container = deployment?.spec?.template.spec?.containers[0];
        expect(container?.image, service.name).to.match(new RegExp(`^${serviceImageName}:`));
        expect(container?.command).to.deep.equal(['node', '--max-semi-space-size=4', `dist/services/${service.name}/src/main.js`]);
        expect(container?.ports?.map((port) => [port.name, port.containerPort])).to.deep.equal([['grpc-api', clusterGrpcPort], ['http-admin', clusterAdminPort]]);
        const kubeService = base.find((object): object is KubernetesObject & IService => object.kind === 'Service' && object.metadata.name === service.name);
        expect(kubeService?.spec?.ports?.map((port) => [port.name, port.port])).to.deep.equal([['grpc-api', clusterGrpcPort], ['http-admin', clusterAdminPort]]);
        expect(kubeService?.spec?.selector).to.deep.equal({ [appLabel]: service.name });
      }
    });

    it('probes readiness and liveness on the admin port, rolls one extra pod at a time, runs non-root on a read-only root', () => {
      for (const deployment of deploymentsOf(base)) {
        const pod = deployment.spec?.template.spec;
        expect(deployment.spec?.strategy?.rollingUpdate, nameOf(deployment)).to.deep.equal({ maxUnavailable: 0, maxSurge: 1 });
        expect(pod?.securityContext?.runAsNonRoot).to.equal(true);
        expect(pod?.volumes?.find((volume) => volume.name === 'tmp')?.emptyDir).to.deep.equal({});
        for (const container of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
          expect(container.securityContext?.readOnlyRootFilesystem, container.name).to.equal(true);
        }
        for (const container of pod?.containers ?? []) {
          expect(container.volumeMounts?.some((mount) => mount.mountPath === '/tmp'), `${container.name} has a writable /tmp`).to.equal(true);
        }
      }
      for (const service of meshServices) {
        const container = deploymentsOf(base).find((candidate) => candidate.metadata.name === service.name)?.spec?.template.spec?.containers[0];
        expect([container?.readinessProbe?.httpGet, container?.livenessProbe?.httpGet]).to.deep.equal([
          { path: '/readyz', port: 'http-admin' },
          { path: '/livez', port: 'http-admin' },
        ]);
        expect(container?.startupProbe).to.not.equal(undefined);
      }
    });

    it('gives each pod longer to stop than its preStop sleep and SHUTDOWN_GRACE_MS together', () => {
      expect(Number(serviceEnv['SHUTDOWN_GRACE_MS'])).to.be.greaterThan(0);
      for (const deployment of deploymentsOf(base)) {
        const pod = deployment.spec?.template.spec;
        expect(pod?.containers.map((container) => container.lifecycle?.preStop?.exec?.command)).to.deep.equal(pod?.containers.map(() => ['sleep', String(preStopSeconds)]));
        expect((pod?.terminationGracePeriodSeconds ?? 0) * 1000, nameOf(deployment)).to.be.greaterThan(preStopSeconds * 1000 + Number(serviceEnv['SHUTDOWN_GRACE_MS']));
      }
    });

    it('configures the services for a cluster: Istio resilience, NATS and every peer by DNS name', () => {
      expect(serviceEnv).to.include({ IN_PROCESS_RESILIENCE: 'false', NATS_URL: 'nats://nats:4222' });
      expect(serviceEnv).to.have.property('LOG_LEVEL');
      for (const service of meshServices) expect(serviceEnv[peerAddressVariable(service.name)]).to.equal(`${service.name}:${String(clusterGrpcPort)}`);
    });

    it('creates a database for every service that keeps its state in PostgreSQL', () => {
      const sql = readRepoFile(`${baseDir}/postgres/init-databases.sql`);
      for (const service of meshServices.filter((candidate) => candidate.stateful === 'database')) expect(sql).to.include(`CREATE DATABASE "${service.name}"`);
    });

    it('runs in a namespace with Istio sidecar injection', () => {
      const namespace = base.find((object) => object.kind === 'Namespace');
      expect(namespace?.metadata).to.deep.equal({ name: clusterNamespace, labels: { 'istio-injection': 'enabled' } });
    });

    it('serves the edge bootstrap of mesh/envoy byte for byte', () => {
      expect(readRepoFile(edgeBootstrapCopy)).to.equal(readRepoFile(envoyBootstrapPath));
    });

    it('builds the service image the way the manifests run it', () => {
      const dockerfile = readRepoFile('manifests/image/Dockerfile').split('\n');
      expect(dockerfile.filter((line) => line.startsWith('FROM ')).every((line) => /^FROM node:24\.\d+\.\d+-slim( |$)/.test(line)), 'an exact Node 24 LTS release').to.equal(true);
      // The manifests run dist/services/<name>/src/main.js: the image compiles it, then drops the dev dependencies.
      expect(dockerfile).to.include.members([`WORKDIR ${imageWorkdir}`, 'RUN make build && npm prune --omit=dev --no-audit --no-fund']);
      expect(dockerfile.filter((line) => line.startsWith('USER ')).at(-1)).to.equal('USER node');
    });
  });

  describe('the rules refuse what they are for', () => {
    const catalog = (): Deployment => structuredClone(deploymentsOf(base)[0]) as Deployment;

    it('a Deployment without probes, requests, HPA or PDB', () => {
      const bare = catalog();
      const container = bare.spec?.template.spec?.containers[0];
      if (container !== undefined) {
        delete container.readinessProbe;
        delete container.resources;
      }
      const problems = deploymentProblems([bare]).join('\n');
      expect(problems).to.match(/no readinessProbe/).and.match(/no cpu and memory requests/).and.match(/no HorizontalPodAutoscaler/).and.match(/no PodDisruptionBudget/);
    });

    it('a port named against Istio conventions', () => {
      const misnamed = catalog();
      const port = misnamed.spec?.template.spec?.containers[0]?.ports?.[0];
      if (port !== undefined) port.name = 'api';
      expect(portNameProblems([misnamed]).join()).to.match(/named "api"/);
    });

    it('an invalid object', () => {
      const invalid = catalog() as unknown as { spec: Record<string, unknown> };
      invalid.spec['replicas'] = 'two';
      expect(schemaProblems(invalid as unknown as KubernetesObject).join()).to.match(/replicas must be integer/);
    });

    it('a kustomization naming a file that does not exist or a field kustomize does not know', () => {
      const problems = kustomizationProblems(baseDir, () => [{ resources: ['services/warehouse.yaml'], patchesJson: [] }]);
      expect(problems.join('\n')).to.match(/warehouse\.yaml is neither/).and.match(/unknown field patchesJson/);
    });
  });

  describe('each overlay, as kubectl kustomize builds it', function () {
    before(function () {
      if (!kustomizeAvailable()) this.skip();
    });

    for (const overlay of overlays) {
      it(`${overlay} builds, validates, and keeps every Deployment probed, requested, autoscaled and budgeted`, () => {
        const built = kustomizeBuild(overlay);
        expect(built.flatMap(schemaProblems)).to.deep.equal([]);
        expect(deploymentProblems(built)).to.deep.equal([]);
        expect(portNameProblems(built)).to.deep.equal([]);
        expect(built.every((object) => object.kind === 'Namespace' || object.metadata.namespace === clusterNamespace)).to.equal(true);
      });

      it(`${overlay} refers only to ConfigMaps it contains, and hands the edge mesh/envoy/envoy.yaml`, () => {
        const built = kustomizeBuild(overlay);
        const configMaps = built.filter((object): object is KubernetesObject & IConfigMap => object.kind === 'ConfigMap');
        const names = configMaps.map((map) => map.metadata.name);
        const references = JSON.stringify(built.filter((object) => object.kind !== 'ConfigMap')).match(/"configMap(Ref)?":\{"name":"[^"]+"/g) ?? [];
        expect(references).to.not.have.length(0);
        for (const reference of references) expect(names).to.include(reference.slice(reference.lastIndexOf(':"') + 2, -1));
        const edgeConfig = configMaps.find((map) => map.metadata.name.startsWith('edge-envoy-'));
        expect(edgeConfig?.data?.['envoy.yaml']).to.equal(readRepoFile(envoyBootstrapPath));
      });
    }

    it('only dev ships the placeholder database and token-service Secrets; prod expects the real ones to exist', () => {
      const secrets = (overlay: string): string[] => kustomizeBuild(overlay).filter((object) => object.kind === 'Secret').map((object) => object.metadata.name);
      expect(secrets('manifests/overlays/dev')).to.deep.equal(['auth-keys', 'postgres-credentials']);
      expect(secrets('manifests/overlays/prod')).to.deep.equal([]);
    });
  });
});
