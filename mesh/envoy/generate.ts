import { outputRoot, writeGeneratedFiles } from './generated-files.js';
import { committedSources, renderEnvoy } from './render.js';

const { plan, file } = renderEnvoy(committedSources());
writeGeneratedFiles([file], outputRoot(process.argv));
console.log(`wrote ${file.path}: ${String(plan.upstreams.length)} upstream(s)`);
if (plan.unserved.length > 0) console.log(`not routed (no service in mesh/policy/services.ts serves them yet): ${plan.unserved.join(', ')}`);
