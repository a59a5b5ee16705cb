import { errorCodes, increaseBetween, ratesOf, type Increase, type Rates, type Scrape } from './figures.js';
import { parsePrometheusText, PrometheusTextError } from '#kit/admin/prometheus-text.js';
import { serviceStateOf, stateOf, type State } from './state.js';
import type { Target } from './targets.js';

/** ready: /readyz said 200; not-ready: it answered otherwise (why in detail); down: no answer. */
export interface Health {
  status: 'ready' | 'not-ready' | 'down';
  detail?: string;
}

export interface ReplicaView extends Rates, State {
  name: string;
  readyUrl: string;
  /** Whether the process serves metrics: the token service does not. */
  scraped: boolean;
  health: Health;
  /** Why the last scrape of /metrics gave no figures, when it did not. */
  metricsProblem?: string;
}

export interface ServiceView extends Rates, State {
  name: string;
  scraped: boolean;
  replicas: ReplicaView[];
}

/** What GET /api/overview answers. */
export interface Overview {
  atMs: number;
  /** Over how many seconds rates and p99 are computed at most. */
  windowSeconds: number;
  /** The gRPC codes the error ratios count. */
  errorCodes: readonly string[];
  services: ServiceView[];
}

interface Watched {
  target: Target;
  scrapes: Scrape[];
  health: Health;
  metricsProblem?: string | undefined;
}

export interface ScraperOptions {
  intervalMs: number;
  /** Scrapes older than this are dropped: rates and p99 are over at most this window. */
  windowMs: number;
}

/**
 * Scrapes every target's /metrics and /readyz every intervalMs, one round after the other, and
 * keeps the scrapes of the last windowMs per replica. The targets are asked again each round, so
 * replicas that come and go are followed; a restarted replica's counters start again from zero,
 * which the figures count as a reset.
 */
export class Scraper {
  private readonly watched = new Map<string, Watched>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly targets: () => readonly Target[],
    private readonly options: ScraperOptions,
  ) {}

  start(): void {
    const round = (): void => {
      void this.scrapeAll().finally(() => {
        if (!this.stopped) this.timer = setTimeout(round, this.options.intervalMs);
      });
    };
    round();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  overview(): Overview {
    const byService = new Map<string, { replicas: ReplicaView[]; increases: Increase[]; states: State[] }>();
    for (const { target, scrapes, health, metricsProblem } of this.watched.values()) {
      const increase = increaseBetween(scrapes);
      const state = stateOf(scrapes.at(-1)?.samples ?? []);
      const service = byService.get(target.service) ?? { replicas: [], increases: [], states: [] };
      byService.set(target.service, service);
      service.replicas.push({ name: target.replica, readyUrl: target.readyUrl, scraped: target.metricsUrl !== undefined, health, ...(metricsProblem === undefined ? {} : { metricsProblem }), ...ratesOf(increase === undefined ? [] : [increase]), ...state });
      if (increase !== undefined) service.increases.push(increase);
      service.states.push(state);
    }
    return {
      atMs: Date.now(),
      windowSeconds: this.options.windowMs / 1000,
      errorCodes,
      services: [...byService].map(([name, { replicas, increases, states }]) => ({
        name,
        scraped: replicas.some((replica) => replica.scraped),
        replicas,
        ...ratesOf(increases),
        ...serviceStateOf(states),
      })),
    };
  }

  private async scrapeAll(): Promise<void> {
    const targets = this.targets();
    const keyOf = (target: Target): string => `${target.replica} ${target.readyUrl}`;
    const keys = new Set(targets.map(keyOf));
    for (const key of this.watched.keys()) if (!keys.has(key)) this.watched.delete(key);
    await Promise.all(
      targets.map(async (target) => {
        const key = keyOf(target);
        const watched = this.watched.get(key) ?? { target, scrapes: [], health: { status: 'down' } };
        this.watched.set(key, watched);
        const [health, scrape] = await Promise.all([this.health(target), this.metrics(target)]);
        watched.health = health;
        watched.metricsProblem = typeof scrape === 'string' ? scrape : undefined;
        if (typeof scrape === 'object') watched.scrapes.push(scrape);
        // A replica that stopped answering loses its figures once they are older than the window.
        const oldest = Date.now() - this.options.windowMs;
        while ((watched.scrapes[0]?.atMs ?? Infinity) < oldest) watched.scrapes.shift();
      }),
    );
  }

  private async health(target: Target): Promise<Health> {
    try {
      const response = await fetch(target.readyUrl, { signal: this.timeout() });
      const body = await response.text();
      if (response.ok) return { status: 'ready' };
      return { status: 'not-ready', detail: failedChecks(body) };
    } catch {
      return { status: 'down', detail: `${target.readyUrl} does not answer` };
    }
  }

  /** The scrape, or why there is none; nothing from a process without metrics. */
  private async metrics(target: Target): Promise<Scrape | string | undefined> {
    if (target.metricsUrl === undefined) return undefined;
    try {
      const response = await fetch(target.metricsUrl, { signal: this.timeout() });
      if (!response.ok) return `/metrics answered ${response.status}`;
      return { atMs: Date.now(), samples: parsePrometheusText(await response.text()) };
    } catch (error) {
      return error instanceof PrometheusTextError ? `/metrics is not Prometheus text: ${error.message}` : '/metrics does not answer';
    }
  }

  /** A scrape may take a few rounds' time on a busy machine before it counts as no answer. */
  private timeout(): AbortSignal {
    return AbortSignal.timeout(Math.max(3_000, this.options.intervalMs * 2));
  }
}

/** The checks /readyz reports as failing, in its words; the raw answer when it is not the usual JSON. */
function failedChecks(body: string): string {
  try {
    const { checks } = JSON.parse(body) as { checks?: Record<string, boolean | string> };
    const failing = Object.entries(checks ?? {}).filter(([, result]) => result !== true);
    if (failing.length > 0) return failing.map(([check, result]) => `${check}: ${String(result)}`).join('; ');
  } catch {
    // not JSON: the answer itself says why (a zombie's, say)
  }
  return body.trim();
}
