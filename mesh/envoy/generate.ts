import { composePath, renderCompose } from './compose.js';
import { outputRoot, writeGeneratedFiles } from './generated-files.js';
import { committedSources, renderEnvoy } from './render.js';

const sources = committedSources();
const { plan, file } = renderEnvoy(sources);
writeGeneratedFiles([file, renderCompose(sources.services, plan.upstreams)], outputRoot(process.argv));
console.log(`wrote ${file.path}: ${String(plan.upstreams.length)} upstream(s), and ${composePath}`);
if (plan.unserved.length > 0) console.log(`not routed (no service in mesh/policy/services.ts serves them yet): ${plan.unserved.join(', ')}`);
