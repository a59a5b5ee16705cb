import { expect } from 'chai';
import { waitFor } from '#kit/process/ports.js';
import { CalleeReturn } from '#kit/resilience/callee-return.js';

/** A callee's readiness as the test scripts it: each probe reads the next answer, the last repeats. */
function scripted(answers: (boolean | undefined)[]): { probe: () => Promise<boolean | undefined>; probes: () => number } {
  let probes = 0;
  return {
    probe: () => {
      probes += 1;
      return Promise.resolve(answers[Math.min(probes, answers.length) - 1]);
    },
    probes: () => probes,
  };
}

describe('CalleeReturn: an open circuit half-opens when its callee is ready again', () => {
  const ejectionMs = 600_000;

  it('is back once the callee, down or unreachable since the circuit opened, is ready', async () => {
    const callee = scripted([false, false, true]);
    let told = 0;
    const watch = new CalleeReturn(callee.probe, () => { told += 1; });
    const halfOpenAfter = watch.halfOpenAfter(ejectionMs).next(undefined);
    watch.watch();
    expect(halfOpenAfter.duration).to.equal(ejectionMs);
    await waitFor(() => Promise.resolve(watch.isBack), 'the callee to be back');
    expect({ told, duration: halfOpenAfter.duration, probes: callee.probes() }).to.deep.equal({ told: 1, duration: 0, probes: 3 });
    watch.stop();
  });

  it('gives no early trial to a callee that says it is ready all along, or cannot tell', async () => {
    for (const answer of [true, undefined]) {
      const callee = scripted([answer]);
      const watch = new CalleeReturn(callee.probe, () => undefined);
      watch.watch();
      await waitFor(() => Promise.resolve(callee.probes() >= 5), 'five probes');
      expect(watch.isBack).to.equal(false);
      expect(watch.halfOpenAfter(ejectionMs).next(undefined).duration).to.equal(ejectionMs);
      watch.stop();
    }
  });

  it('forgets a return when the circuit opens again, and stops asking when stopped', async () => {
    const callee = scripted([false, true]);
    const watch = new CalleeReturn(callee.probe, () => undefined);
    watch.watch();
    await waitFor(() => Promise.resolve(watch.isBack), 'the callee to be back');
    watch.watch();
    expect(watch.isBack).to.equal(false);
    watch.stop();
    const probes = callee.probes();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(callee.probes()).to.be.at.most(probes + 1);
  });
});
