/* global document, window, fetch, setTimeout, URLSearchParams */
// The console's page: polls /api/overview and draws the services; draws an order's trace on demand.
// Plain DOM, no framework and no build step: the machine it runs on may be offline.

const refreshMs = 2000;

/** An element with attributes (class, aria-*, style …) and children (nodes or text). */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) if (value !== undefined) node.setAttribute(name, String(value));
  for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child instanceof window.Node ? child : String(child));
  return node;
}

const rate = (value) => (value === null ? '–' : value >= 100 ? value.toFixed(0) : value.toFixed(1));
const ratio = (value) => (value === null ? '–' : `${(value * 100).toFixed(value > 0 && value < 0.01 ? 2 : 1)} %`);
const millis = (seconds) => (seconds === null ? '–' : `${(seconds * 1000).toFixed(seconds < 0.01 ? 1 : 0)} ms`);
const age = (seconds) => `${seconds.toFixed(0)} s`;
const healthText = (health) => (health.status === 'not-ready' ? 'not ready' : health.status);

function figures(view) {
  const figure = (label, value) => el('div', {}, el('dt', {}, label), el('dd', { 'aria-label': label }, value));
  return el('dl', { class: 'figures' }, figure('requests/s', rate(view.requestsPerSecond)), figure('errors', ratio(view.errorRatio)), figure('p99', millis(view.p99Seconds)), figure('events/s', rate(view.eventsPerSecond)));
}

function replicaTable(service) {
  return el(
    'table',
    { 'aria-label': `${service.name} replicas` },
    el('thead', {}, el('tr', {}, ['replica', 'health', 'requests/s', 'errors', 'p99'].map((heading) => el('th', { scope: 'col' }, heading)))),
    el(
      'tbody',
      {},
      service.replicas.map((replica) =>
        el(
          'tr',
          {},
          el('th', { scope: 'row', title: replica.readyUrl }, replica.name),
          el('td', { class: replica.health.status, title: replica.health.detail ?? replica.metricsProblem }, healthText(replica.health)),
          el('td', { class: 'number' }, rate(replica.requestsPerSecond)),
          el('td', { class: 'number' }, ratio(replica.errorRatio)),
          el('td', { class: 'number' }, millis(replica.p99Seconds)),
        ),
      ),
    ),
  );
}

function stateLines(view) {
  if (!view.scraped) return [el('p', { class: 'line note' }, 'readiness only: this process serves no metrics')];
  const lines = [];
  const line = (label, ...content) => lines.push(el('p', { class: 'line' }, el('b', {}, `${label}: `), ...content));
  if (view.breakers.length > 0) line('breakers', view.breakers.flatMap(({ callee, state }, index) => [index > 0 ? ' · ' : '', `→ ${callee} `, el('span', { class: `state-${state}` }, state)]));
  for (const consumer of view.consumers) line(`consumer ${consumer.consumer}`, `${consumer.pending} pending · ${consumer.ackPending} awaiting ack`);
  if (view.outbox !== null) line('outbox', `${view.outbox.pending} pending · oldest ${age(view.outbox.oldestAgeSeconds)}`);
  if (view.payments !== null) line('payments pending', `${view.payments.pending} · oldest ${age(view.payments.oldestAgeSeconds)}`);
  const dead = view.deadLetters.reduce((sum, letter) => sum + letter.count, 0);
  line('dead letters', dead === 0 ? 'none' : el('span', { class: 'alarm', title: view.deadLetters.map((letter) => `${letter.event} by ${letter.consumer}: ${letter.count}`).join('\n') }, String(dead)));
  return lines;
}

function serviceCard(service) {
  const ready = service.replicas.filter((replica) => replica.health.status === 'ready').length;
  return el(
    'article',
    { class: 'service', 'aria-label': service.name },
    el('h3', {}, service.name, el('span', { class: ready === service.replicas.length ? 'ready' : 'down' }, `${ready}/${service.replicas.length} ready`)),
    figures(service),
    replicaTable(service),
    stateLines(service),
  );
}

async function refresh() {
  const updated = document.getElementById('updated');
  try {
    const response = await fetch('/api/overview');
    const overview = await response.json();
    document.getElementById('window').textContent = String(overview.windowSeconds);
    document.getElementById('error-codes').textContent = overview.errorCodes.join(', ');
    document.getElementById('services').replaceChildren(...overview.services.map(serviceCard));
    updated.textContent = `updated ${new Date(overview.atMs).toLocaleTimeString()}`;
    updated.classList.remove('problem');
  } catch {
    updated.textContent = 'the console does not answer (is make dev running?)';
    updated.classList.add('problem');
  } finally {
    setTimeout(refresh, refreshMs);
  }
}

/** The spans depth first, children by start, each with its depth under the trace's roots. */
function treeOrder(spans) {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map();
  for (const span of spans) {
    const parent = span.parentSpanId !== undefined && ids.has(span.parentSpanId) ? span.parentSpanId : '';
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const ordered = [];
  const visit = (parent, depth) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => a.startUnixMs - b.startUnixMs)) {
      ordered.push({ span, depth });
      visit(span.spanId, depth + 1);
    }
  };
  visit('', 0);
  return ordered;
}

// Hues far apart for the services of one trace, in the order they appear, never red: red bars are the failed spans.
const hues = [220, 150, 35, 280, 190, 95, 320, 250, 60, 170];

function waterfall(trace) {
  const start = Math.min(...trace.spans.map((span) => span.startUnixMs));
  const end = Math.max(...trace.spans.map((span) => span.startUnixMs + span.durationMs));
  const total = Math.max(end - start, 0.001);
  const services = [...new Set(trace.spans.map((span) => span.service))];
  const hue = (service) => hues[services.indexOf(service) % hues.length];
  return el(
    'section',
    { class: 'trace', 'aria-label': `trace ${trace.traceId}` },
    el('h3', {}, `trace ${trace.traceId} · ${trace.spans.length} spans · ${total.toFixed(1)} ms · ${services.join(', ')}`),
    el(
      'ol',
      { class: 'spans' },
      treeOrder(trace.spans).map(({ span, depth }) =>
        el(
          'li',
          { class: span.status === 'ERROR' ? 'span error' : 'span', 'data-service': span.service, 'data-depth': depth, title: span.statusMessage },
          el('span', { class: 'name', style: `padding-left: ${depth * 14}px` }, el('span', { class: 'span-service' }, span.service), ` ${span.name}`, span.links.length > 0 ? ' (linked)' : ''),
          el('span', { class: 'track' }, el('span', { class: 'bar', style: `--hue: ${hue(span.service)}; left: ${((span.startUnixMs - start) / total) * 100}%; width: ${(span.durationMs / total) * 100}%` })),
          el('span', { class: 'timing' }, `${span.durationMs.toFixed(1)} ms `, el('span', { class: 'status' }, span.status)),
        ),
      ),
    ),
  );
}

async function showTrace(orderId) {
  const target = document.getElementById('trace');
  target.replaceChildren(el('p', {}, `looking for order ${orderId} …`));
  try {
    const response = await fetch(`/api/traces?${new URLSearchParams({ orderId })}`);
    const body = await response.json();
    if (!response.ok) target.replaceChildren(el('p', { class: 'problem', role: 'alert' }, body.error));
    else if (body.traces.length === 0) target.replaceChildren(el('p', { role: 'alert' }, `no trace of order ${orderId} (yet)`));
    else target.replaceChildren(el('p', {}, `order ${orderId}: ${body.traces.length} trace(s)`), ...body.traces.map(waterfall));
  } catch {
    target.replaceChildren(el('p', { class: 'problem', role: 'alert' }, 'the console does not answer'));
  }
}

document.getElementById('trace-search').addEventListener('submit', (event) => {
  event.preventDefault();
  const orderId = document.getElementById('order-id').value.trim();
  window.history.replaceState(null, '', `?${new URLSearchParams({ order: orderId })}`);
  void showTrace(orderId);
});

const linked = new URLSearchParams(window.location.search).get('order');
if (linked !== null) {
  document.getElementById('order-id').value = linked;
  void showTrace(linked);
}
void refresh();
