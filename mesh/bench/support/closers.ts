type Close = () => Promise<void> | void;

/** What a benchmark's setUp opened, closed in reverse order: after the rounds, or at once if setUp fails halfway. */
export class Closers {
  private readonly steps: Close[] = [];

  /** Returns `thing`, remembering how to close it. */
  add<T>(thing: T, close: (thing: T) => Promise<void> | void): T {
    this.steps.push(() => close(thing));
    return thing;
  }

  async close(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) await step();
  }
}

/** Runs `setUp` with a fresh Closers, closing what it opened when it throws. */
export async function withClosers<T>(setUp: (closers: Closers) => Promise<T>): Promise<T> {
  const closers = new Closers();
  try {
    return await setUp(closers);
  } catch (error) {
    await closers.close();
    throw error;
  }
}
