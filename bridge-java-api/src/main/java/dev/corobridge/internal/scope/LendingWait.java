// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.scope;

import java.util.concurrent.CompletableFuture;

/**
 * A wait that does not starve the work waited for. Engines install one on each thread while it runs a
 * task ({@link #current()}): from a blocking task the waiting task lends its worker slot until
 * {@code done} completes, from an async task's thread the wait is refused with
 * {@link dev.corobridge.NotSupportedException}. An executor may implement it too, for waits on threads
 * that run none of its tasks (the manual runtime runs its loop meanwhile). Not part of the public API.
 */
public interface LendingWait {
  /**
   * Returns once {@code done} is done.
   *
   * @throws InterruptedException if the waiting thread is interrupted
   * @throws dev.corobridge.NotSupportedException if the thread runs async tasks, which must not block
   */
  void awaitLendingSlot(CompletableFuture<?> done) throws InterruptedException;

  /** The wait of the task running on this thread, or null if it runs no engine's task. */
  static LendingWait current() {
    return CurrentWorker.HOLDER.get();
  }

  /** Installs {@code worker} as this thread's and returns the previous one, to restore with the same call. */
  static LendingWait swap(LendingWait worker) {
    ThreadLocal<LendingWait> holder = CurrentWorker.HOLDER;
    LendingWait previous = holder.get();
    holder.set(worker); // never remove(): the next get() would add the entry again, with a scan of the thread's map
    return previous;
  }
}
