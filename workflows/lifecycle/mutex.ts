// A mutex for workflow code, built on condition(): waiting adds no command to the history, and a
// free lock is taken synchronously, so the work under it starts in the same turn as an inline flag
// would (the recorded histories replay unchanged). async-mutex, as in the Temporal samples, takes
// even a free lock after a microtask: that could reorder the commands of one workflow task.
import { condition } from '@temporalio/workflow';

export class Mutex {
  private held = false;

  /** Held: validators refuse (conflict) rather than queue a decision behind another. */
  isLocked(): boolean {
    return this.held;
  }

  /** Runs `work` alone: waits while another holder runs, then holds the lock until `work` settles. */
  async runExclusive<T>(work: () => Promise<T>): Promise<T> {
    // several waiters can wake on one release: each checks again before taking the lock
    while (this.held) await condition(() => !this.held);
    this.held = true;
    try {
      return await work();
    } finally {
      this.held = false;
    }
  }
}
