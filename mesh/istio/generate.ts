import { outputRoot, writeGeneratedFiles } from '../envoy/generated-files.js';
import { callEdges } from '../policy/resilience.js';
import { meshServices } from '../policy/services.js';
import { istioResourcesDir, renderIstio } from './render.js';
import { scenariosDir } from './scenarios.js';

const files = renderIstio(callEdges, meshServices);
writeGeneratedFiles(files, outputRoot(process.argv), [istioResourcesDir, scenariosDir]);
console.log(`wrote ${String(files.length)} Istio files under mesh/istio`);
