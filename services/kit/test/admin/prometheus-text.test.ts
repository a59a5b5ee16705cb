import { expect } from 'chai';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { parsePrometheusText, PrometheusTextError } from '#kit/admin/prometheus-text.js';

describe('the Prometheus text parser', () => {
  it('reads what prom-client serves: counters, gauges and labelled histogram buckets', async () => {
    const registry = new Registry();
    const handled = new Counter({ name: 'calls_total', help: 'calls', labelNames: ['method', 'code'], registers: [registry] });
    handled.inc({ method: 'PlaceOrder', code: 'OK' }, 3);
    handled.inc({ method: 'GetOrder', code: 'NOT_FOUND' });
    new Gauge({ name: 'pending', help: 'with "quotes" and \\ in help', registers: [registry] }).set(-2.5);
    const seconds = new Histogram({ name: 'call_seconds', help: 'latency', labelNames: ['method'], buckets: [0.1, 1], registers: [registry] });
    seconds.observe({ method: 'PlaceOrder' }, 0.05);
    seconds.observe({ method: 'PlaceOrder' }, 0.5);
    seconds.observe({ method: 'GetOrder' }, 2);

    const samples = parsePrometheusText(await registry.metrics());

    expect(samples.filter((sample) => sample.name === 'calls_total')).to.deep.equal([
      { name: 'calls_total', labels: { method: 'PlaceOrder', code: 'OK' }, value: 3 },
      { name: 'calls_total', labels: { method: 'GetOrder', code: 'NOT_FOUND' }, value: 1 },
    ]);
    expect(samples.find((sample) => sample.name === 'pending')?.value).to.equal(-2.5);
    const buckets = samples.filter((sample) => sample.name === 'call_seconds_bucket').map((sample) => [sample.labels.method, sample.labels.le, sample.value]);
    expect(buckets).to.deep.equal([
      ['PlaceOrder', '0.1', 1], ['PlaceOrder', '1', 2], ['PlaceOrder', '+Inf', 2],
      ['GetOrder', '0.1', 0], ['GetOrder', '1', 0], ['GetOrder', '+Inf', 1],
    ]);
  });

  it('unescapes label values and reads special values and timestamps', () => {
    const [sample, infinite, notANumber, promClientNaN] = parsePrometheusText(
      [
        '# a comment',
        'path_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\"",} 1.458255915e9 1395066363000',
        '',
        'weird{problem="division by zero"} +Inf',
        'nothing NaN',
        'nodejs_eventloop_lag_mean_seconds Nan',
      ].join('\n'),
    );
    expect(sample).to.deep.equal({ name: 'path_seconds', labels: { path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' }, value: 1.458255915e9 });
    expect(infinite?.value).to.equal(Infinity);
    expect(notANumber?.value).to.be.NaN;
    expect(promClientNaN?.value).to.be.NaN;
  });

  for (const [line, problem] of [
    ['calls_total{code="OK"', 'not closed'],
    ['calls_total{code=OK} 1', 'has no ="value"'],
    ['calls_total{code="OK" method="x"} 1', 'not separated by commas'],
    ['calls_total{code="OK",code="NO"} 1', 'appears twice'],
    ['calls_total{code="\\t"} 1', 'unknown escape'],
    ['calls_total', 'no value'],
    ['calls_total one', 'not a number'],
    ['calls_total 1 2 3', 'more than a value'],
    ['calls_total 1 1.5', 'whole milliseconds'],
    ['9calls 1', 'no metric name'],
  ]) {
    it(`refuses ${line}, naming the line`, () => {
      expect(() => parsePrometheusText(`ok 1\n${String(line)}`)).to.throw(PrometheusTextError, `line 2: `).with.property('message').that.contains(String(problem));
    });
  }
});
