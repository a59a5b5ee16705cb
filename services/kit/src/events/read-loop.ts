import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsumerMessages } from '@nats-io/jetstream';

/**
 * The stop switch of a loop that reads a JetStream consumer (a durable consumer's replica, a
 * replay): stop() closes the messages being read, so the loop's `for await` ends, and waits until
 * the loop returns; a pause between attempts ends early when stopping.
 */
export class ReadLoop {
  private readonly abort = new AbortController();
  private messages: ConsumerMessages | undefined;
  private running: Promise<void> = Promise.resolve();

  /** Runs `loop`, which returns once isStopping(). */
  start(loop: () => Promise<void>): void {
    this.running = loop();
  }

  isStopping(): boolean {
    return this.abort.signal.aborted;
  }

  /**
   * `messages`, now the ones stop() closes; closed at once when already stopping. Reading them
   * then ends at once, while waiting for their close() before reading would wait forever: the
   * close takes effect when the reader reaches it.
   */
  reading(messages: ConsumerMessages): ConsumerMessages {
    this.messages = messages;
    if (this.isStopping()) void messages.close();
    return messages;
  }

  /** Ends the reading of the current messages, not the loop: it reads again (from a fresh consumer). */
  interrupt(): void {
    void this.messages?.close();
  }

  async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.abort.signal }).catch(() => undefined);
  }

  async stop(): Promise<void> {
    if (!this.isStopping()) {
      this.abort.abort();
      await this.messages?.close();
    }
    await this.running;
  }
}
