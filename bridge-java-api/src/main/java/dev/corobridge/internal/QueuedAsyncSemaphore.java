// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import dev.corobridge.AsyncSemaphore;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lock-free {@link AsyncSemaphore} behind {@link AsyncSemaphore#create(int)}.
 *
 * <p>Overview: {@code state} is the number of free permits when positive; when zero or negative,
 * its magnitude is the number of acquirers that found no permit and have enqueued (or are about to
 * enqueue) a waiter future. An acquirer decrements {@code state}; if it went below one, it enqueues
 * its future. A releaser increments {@code state}; if it was negative, exactly one waiter is owed a
 * permit: the releaser polls the queue (spinning only through the few instructions between an
 * acquirer's decrement and its enqueue) and completes that waiter. A waiter that was cancelled
 * cannot be completed, so the releaser releases again, passing the permit on. Hence permits are
 * neither lost nor duplicated, and waiters are served in enqueue order.
 */
public final class QueuedAsyncSemaphore implements AsyncSemaphore {
  private final int permits;
  private final AtomicInteger state;
  private final ConcurrentLinkedQueue<CompletableFuture<Void>> waiters = new ConcurrentLinkedQueue<>();

  /** Creates a semaphore with {@code permits >= 0} permits. */
  public QueuedAsyncSemaphore(int permits) {
    this.permits = permits;
    this.state = new AtomicInteger(permits);
  }

  @Override
  public int availablePermits() {
    return Math.max(0, state.get());
  }

  /** The requests that took a "negative" permit and wait for a release (a withdrawn one counts until then). */
  @Override
  public int queueLength() {
    return Math.max(0, -state.get());
  }

  @Override
  public CompletableFuture<Void> acquire() {
    if (state.getAndDecrement() > 0) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> waiter = new CompletableFuture<>();
    waiters.offer(waiter);
    return waiter;
  }

  @Override
  public boolean tryAcquire() {
    for (int s = state.get(); s > 0; s = state.get()) {
      if (state.compareAndSet(s, s - 1)) return true;
    }
    return false;
  }

  @Override
  public void release() {
    while (true) {
      int s = state.get();
      if (s >= permits) {
        throw new IllegalStateException("release() without a matching acquire: all " + permits + " permits are free");
      }
      if (!state.compareAndSet(s, s + 1)) continue;
      if (s >= 0) return;
      CompletableFuture<Void> waiter;
      while ((waiter = waiters.poll()) == null) {
        Thread.onSpinWait();
      }
      if (waiter.complete(null)) return;
      // The waiter was cancelled: its permit goes back and on to the next waiter.
    }
  }

  @Override
  public String toString() {
    int s = state.get();
    return "AsyncSemaphore[permits=" + permits + ", available=" + Math.max(0, s) + ", waiting=" + Math.max(0, -s) + "]";
  }
}
