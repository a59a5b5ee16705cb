import { expect } from 'chai';
import { envoyBootstrapPath } from '../envoy/render.js';
import { envoyImage } from '../../manifests/generator/cluster.js';
import { bootstrapType, envoyApi, envoyApiVersion } from './support/envoy-api.js';
import { protoJsonProblems } from './support/proto-json.js';
import { readYaml } from './support/repo-files.js';

type Tree = Record<string, unknown>;

/** The committed bootstrap as a mutable tree, for the negative checks. */
function committedBootstrap(): Tree {
  const [document] = readYaml(envoyBootstrapPath);
  return structuredClone(document) as Tree;
}

/** A path into the tree: keys and list indexes. */
function at(tree: Tree, ...path: (string | number)[]): Tree {
  let node: unknown = tree;
  for (const step of path) node = (node as Record<string | number, unknown>)[step];
  if (typeof node !== 'object' || node === null) throw new Error(`nothing at ${path.join('.')}`);
  return node as Tree;
}
const firstCluster = (tree: Tree): Tree => at(tree, 'static_resources', 'clusters', 0);
const connectionManager = (tree: Tree): Tree => at(tree, 'static_resources', 'listeners', 0, 'filter_chains', 0, 'filters', 0, 'typed_config');

describe(`the Envoy edge bootstrap against the API protos of Envoy ${envoyApiVersion}`, () => {
  it('checks against the protos of exactly the Envoy release the manifests and compose file run', () => {
    expect(envoyImage).to.equal(`envoyproxy/envoy:${envoyApiVersion}`);
  });

  it('mesh/envoy/envoy.yaml decodes strictly as envoy.config.bootstrap.v3.Bootstrap', () => {
    expect(protoJsonProblems(bootstrapType(), readYaml(envoyBootstrapPath)[0])).to.deep.equal([]);
  });

  it('every typed_config names an extension type the loaded protos define', () => {
    const typeUrls = JSON.stringify(readYaml(envoyBootstrapPath)).match(/"@type":"[^"]+"/g) ?? [];
    expect(typeUrls).to.have.length.greaterThan(4);
    for (const url of typeUrls) expect(() => envoyApi().lookupType(url.slice(url.lastIndexOf('/') + 1, -1)), url).not.to.throw();
  });

  describe('the validator refuses what Envoy would refuse', () => {
    const rejects = (mutate: (tree: Tree) => void, expected: RegExp): void => {
      const tree = committedBootstrap();
      mutate(tree);
      const problems = protoJsonProblems(bootstrapType(), tree);
      expect(problems.join('\n')).to.match(expected);
    };

    it('an unknown field', () => {
      rejects((tree) => (firstCluster(tree)['retry_budget'] = {}), /clusters\[0\]\.retry_budget: unknown field/);
    });
    it('an unknown field inside a typed_config', () => {
      rejects((tree) => (connectionManager(tree)['strip_port'] = true), /typed_config\.strip_port: unknown field of envoy\.extensions\.filters\.network\.http_connection_manager/);
    });
    it('a typed_config whose @type is not a loaded type', () => {
      rejects((tree) => (at(connectionManager(tree), 'http_filters', 0, 'typed_config')['@type'] = 'type.googleapis.com/envoy.extensions.filters.http.nope.v3.Nope'), /"@type" envoy\.extensions\.filters\.http\.nope\.v3\.Nope is not a loaded/);
    });
    it('an enum value that does not exist', () => {
      rejects((tree) => (firstCluster(tree)['type'] = 'DNS'), /clusters\[0\]\.type: string "DNS" is not a value/);
    });
    it('a malformed duration', () => {
      rejects((tree) => (firstCluster(tree)['connect_timeout'] = '1000ms'), /connect_timeout: expected a duration/);
    });
    it('a missing required field (protoc-gen-validate)', () => {
      rejects((tree) => delete at(firstCluster(tree), 'health_checks', 0)['interval'], /health_checks\[0\]\.interval: required/);
    });
    it('a value outside its protoc-gen-validate bounds', () => {
      rejects((tree) => (at(firstCluster(tree), 'outlier_detection')['max_ejection_percent'] = 150), /max_ejection_percent: 150 must be <= 100/);
    });
    it('two members of one oneof', () => {
      rejects((tree) => (at(firstCluster(tree), 'health_checks', 0)['tcp_health_check'] = {}), /are alternatives \(oneof health_checker\)/);
    });
    it('a deprecated field', () => {
      rejects((tree) => (firstCluster(tree)['http2_protocol_options'] = {}), /http2_protocol_options: deprecated field/);
    });
    it('a scalar of the wrong type or out of its range', () => {
      rejects((tree) => (at(tree, 'admin', 'address', 'socket_address')['port_value'] = 'admin'), /port_value: expected an integer/);
      rejects((tree) => (at(firstCluster(tree), 'health_checks', 0)['unhealthy_threshold'] = -1), /unhealthy_threshold: -1 is out of range for uint32/);
    });
    it('null in place of a value', () => {
      rejects((tree) => (firstCluster(tree)['outlier_detection'] = null), /outlier_detection: null/);
    });
  });
});
