// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import dev.corobridge.internal.Checks;
import dev.corobridge.internal.QueuedAsyncSemaphore;
import java.util.concurrent.CompletableFuture;

/**
 * A semaphore whose {@link #acquire()} does not block: it returns a future that completes when a
 * permit is granted. Share one between tasks, executors and plain code to bound how many of them
 * use a resource at once, independently of each executor's {@code maxWorkers}.
 *
 * <pre>{@code
 * AsyncSemaphore apiLimit = AsyncSemaphore.create(5);     // the API allows 5 concurrent calls
 * TaskOptions limited = TaskOptions.builder().semaphore(apiLimit).build();
 * for (String id : ids) {
 *   executor.submit(() -> api.fetch(id), limited);        // never more than 5 at once
 * }
 * }</pre>
 *
 * <p>An executor takes a task's permit <em>before</em> a worker slot, so no worker idles waiting for
 * one; it re-takes it for each retry, does not hold it during back-off, and releases it only when
 * the attempt has really finished, also after a timeout or cancellation.
 *
 * <p>Waiters are granted permits in the order they asked (FIFO). Cancelling a pending
 * {@code acquire()} future withdraws the request; a permit that would have gone to it goes to the
 * next waiter. Implementations are thread-safe and lock-free.
 */
public interface AsyncSemaphore {
  /**
   * Creates a fair semaphore with the given number of permits.
   *
   * @param permits the number of permits, {@code >= 0}
   * @return the semaphore
   * @throws IllegalArgumentException if {@code permits < 0}
   */
  static AsyncSemaphore create(int permits) {
    return new QueuedAsyncSemaphore(Checks.atLeast(permits, 0, "permits"));
  }

  /**
   * Returns the number of permits that could be taken right now without waiting.
   *
   * @return the permits free now, {@code >= 0}
   */
  int availablePermits();

  /**
   * Returns an estimate of the number of requests waiting for a permit now, in the manner of
   * {@link java.util.concurrent.Semaphore#getQueueLength()}: for monitoring, not for synchronization.
   *
   * <p>The default implementation, for semaphores written before this method, returns 0.
   *
   * @return the requests waiting, {@code >= 0}
   */
  default int queueLength() {
    return 0;
  }

  /**
   * Asks for a permit. The returned future completes (on the thread that released the permit, or at
   * once on the caller's) when the permit is granted; the caller must {@link #release()} it later.
   *
   * @return a future that completes when the permit is the caller's; cancelling it withdraws the request
   */
  CompletableFuture<Void> acquire();

  /**
   * Takes a permit if one is available now and nobody waits for one.
   *
   * @return whether a permit was taken
   */
  boolean tryAcquire();

  /**
   * Returns a permit, granting it to the longest waiter if there is one.
   *
   * @throws IllegalStateException if more permits are released than the semaphore was created with
   */
  void release();
}
