import { outputRoot, writeGeneratedFiles } from '../../mesh/envoy/generated-files.js';
import { committedSources, renderEnvoy } from '../../mesh/envoy/render.js';
import { callEdges } from '../../mesh/policy/resilience.js';
import { meshServices } from '../../mesh/policy/services.js';
import { baseDir, componentsDir, renderManifests } from './render.js';

const files = renderManifests({ services: meshServices, edges: callEdges, envoyBootstrap: renderEnvoy(committedSources()).file.content });
writeGeneratedFiles(files, outputRoot(process.argv), [baseDir, componentsDir]);
console.log(`wrote ${String(files.length)} files under ${baseDir} and ${componentsDir}`);
