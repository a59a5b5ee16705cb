import { expect } from 'chai';
import { SeededRandom } from '../../invariants/random.js';
import { strikePlan } from '../strike-plan.js';

describe('chaos strike plan', () => {
  const victims = ['catalog-1', 'order-2', 'nats-server'];

  it('puts one kill in each equal stretch of the workload, so every kill happens while it runs', () => {
    for (const seed of [1, 7, 20261206, 20261208]) {
      const plan = strikePlan(new SeededRandom(seed), 120, 3, victims);
      const strikes = [...plan.keys()].sort((a, b) => a - b);
      expect(strikes).to.have.length(3);
      expect(strikes[0]).to.be.within(0, 39);
      expect(strikes[1]).to.be.within(40, 79);
      expect(strikes[2]).to.be.within(80, 119);
      for (const victim of plan.values()) expect(victims).to.include(victim);
    }
  });

  it('is the same for the same seed', () => {
    const plan = (): [number, string][] => [...strikePlan(new SeededRandom(42), 300, 6, victims)];
    expect(plan()).to.deep.equal(plan());
  });

  it('strikes at distinct operations when asked for more kills than there are operations, and not at all without victims', () => {
    expect([...strikePlan(new SeededRandom(3), 4, 10, victims).keys()].sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3]);
    expect(strikePlan(new SeededRandom(3), 100, 5, [])).to.have.property('size', 0);
    expect(strikePlan(new SeededRandom(3), 100, 0, victims)).to.have.property('size', 0);
  });
});
