import { expect } from 'chai';
import { HandlerErrors } from '#kit/events/handler-errors.js';

describe('handler errors counted per event', () => {
  it('counts each event on its own, and from zero again once it is answered', () => {
    const errors = new HandlerErrors();
    expect([errors.add(7), errors.add(7), errors.add(9), errors.add(7)]).to.deep.equal([1, 2, 1, 3]);
    errors.forget(7);
    expect(errors.add(7)).to.equal(1);
  });

  it('keeps at most its capacity, forgetting the event that failed least recently', () => {
    const errors = new HandlerErrors(2);
    errors.add(1);
    errors.add(2);
    errors.add(1);
    errors.add(3);
    expect([errors.add(1), errors.add(2)]).to.deep.equal([3, 1]);
  });
});
