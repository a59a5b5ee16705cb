import { expect } from 'chai';
import { StuckEvent } from '#kit/events/replay-poison.js';

describe('the event a replay is stuck at', () => {
  it('is poison once apply failed on it the limit times in a row, with the last reason', () => {
    const stuck = new StuckEvent(3);
    expect([stuck.failed(7, new Error('first')), stuck.failed(7, new Error('second'))]).to.deep.equal([1, 2]);
    expect(stuck.poison(7)).to.equal(undefined);
    stuck.failed(7, new Error('third'));
    expect(stuck.poison(7)).to.deep.equal({ reason: 'third', failures: 3 });
    expect(stuck.poison(8)).to.equal(undefined);
  });

  it('counts again from one at another position, and forgets a position the replay committed', () => {
    const stuck = new StuckEvent(2);
    stuck.failed(7, new Error('no name'));
    expect(stuck.failed(9, new Error('no name'))).to.equal(1);
    stuck.failed(9, new Error('no name'));
    stuck.passed(9);
    expect(stuck.poison(9)).to.equal(undefined);
    expect(stuck.failed(9, new Error('no name'))).to.equal(1);
  });
});
