import { ConfigError, readConfig } from '#kit/config/config.js';
import { exitConfigError } from '#kit/host/lifecycle.js';
import { defaultTracesPort, type TracesAnswer } from './trace-api.js';
import { traceTrees } from './trace-tree.js';

/**
 * `make trace ORDER=<id>`: that order's traces from the running make dev's trace store, as trees.
 *   ORDER            the order's id
 *   MESH_TRACES_URL  the trace store (http://127.0.0.1:4318, or MESH_TRACES_PORT's)
 */
function readTraceConfig(): { orderId: string; tracesUrl: string } {
  try {
    return readConfig((env) => {
      const port = env.port('MESH_TRACES_PORT', defaultTracesPort);
      return { orderId: env.string('ORDER'), tracesUrl: env.url('MESH_TRACES_URL', `http://127.0.0.1:${port}`, ['http://', 'https://']) };
    });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return usage(error.message);
  }
}

function usage(problem: string): never {
  console.error(`make trace ORDER=<order id>: ${problem}`);
  process.exit(exitConfigError);
}

const { orderId, tracesUrl } = readTraceConfig();
if (!/^[1-9]\d*$/.test(orderId)) usage(`ORDER must be an order id such as 1, got "${orderId}"`);
const response = await fetch(`${tracesUrl}/api/traces?orderId=${orderId}`).catch((error: unknown) => {
  console.error(`no trace store at ${tracesUrl} (is make dev running?): ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
if (!response.ok) {
  console.error(`the trace store at ${tracesUrl} answered ${response.status}: ${await response.text()}`);
  process.exit(1);
}
const { traces } = (await response.json()) as TracesAnswer;
console.log(traceTrees(orderId, traces));
if (traces.length === 0) process.exit(1);
