import { expect } from 'chai';
import { callEdges } from '../policy/resilience.js';

describe('the resilience policy means the same everywhere', () => {
  for (const edge of callEdges) {
    const name = `${edge.caller} -> ${edge.callee}`;

    it(`${name}: a try may use the whole deadline unless timed-out tries are retried`, () => {
      if (!edge.retries.retryOn.includes('deadline-exceeded')) expect(edge.retries.perTryTimeoutMs).to.equal(edge.deadlineMs);
      expect(edge.retries.perTryTimeoutMs).to.be.at.most(edge.deadlineMs);
    });

    it(`${name}: a dependency's outage cannot eject more than half of a service's hosts`, () => {
      expect(edge.circuitBreaker.maxEjectionPercent).to.be.at.most(50);
    });
  }
});
