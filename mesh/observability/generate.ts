import { outputRoot, writeGeneratedFiles } from '../envoy/generated-files.js';
import { meshServices } from '../policy/services.js';
import { dashboardsDir, provisioningDir, renderObservability, rulesDir } from './render.js';

const files = renderObservability(meshServices);
writeGeneratedFiles(files, outputRoot(process.argv), [dashboardsDir, provisioningDir, rulesDir]);
console.log(`wrote ${String(files.length)} dashboards, provisioning and rules files under mesh/observability`);
