// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

/**
 * The threads one executor made, so that its termination can be reported only once every one of them has
 * ended: "after termination no thread the executor created is alive" (spec §2) holds the moment
 * {@code close()} returns, not a few milliseconds later. A pool's {@code shutdown()} only asks its threads to
 * end, and the last of them is still running when it reports the pool terminated. Not part of the public API.
 */
public final class OwnThreads implements ThreadFactory {
  private final ThreadFactory factory;
  /** Every thread made and not yet found dead; pruned as threads are made, so retired ones do not pile up. */
  private final Set<Thread> made = ConcurrentHashMap.newKeySet();
  private int pruneAt = 64;

  /**
   * Records the threads {@code factory} makes.
   *
   * @param factory the factory that makes the threads
   */
  public OwnThreads(ThreadFactory factory) {
    this.factory = factory;
  }

  @Override
  public Thread newThread(Runnable task) {
    Thread thread = factory.newThread(task);
    if (thread != null) {
      made.add(thread);
      pruneIfLarge();
    }
    return thread;
  }

  private synchronized void pruneIfLarge() {
    if (made.size() < pruneAt) return;
    made.removeIf(thread -> !thread.isAlive() && thread.getState() == Thread.State.TERMINATED);
    pruneAt = Math.max(64, made.size() * 2);
  }

  /**
   * Completes {@code done} once every thread made so far has ended: at once on this thread if they all have
   * (and this is not one of them), else on a thread of the {@link SharedTimer}, which is none of them. Call
   * after the pool was shut down, so that no new thread is made.
   *
   * @param done the future to complete
   */
  public void completeWhenAllEnded(CompletableFuture<Void> done) {
    if (allEnded()) {
      done.complete(null);
    } else {
      SharedTimer.schedule(() -> {
        joinAll();
        done.complete(null);
      }, 0);
    }
  }

  private boolean allEnded() {
    for (Thread thread : made) {
      if (thread.getState() != Thread.State.TERMINATED) return false;
    }
    return true;
  }

  /** Joins every thread made; not interruptible (the threads are ending), the interrupt status is kept. */
  private void joinAll() {
    boolean interrupted = false;
    for (Thread thread : made) {
      while (true) {
        try {
          thread.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }
}
