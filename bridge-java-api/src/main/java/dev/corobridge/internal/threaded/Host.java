// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.threaded;

import dev.corobridge.internal.engine.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * What a {@link ThreadedExecutor} runs on: somewhere to run task bodies, a clock to schedule
 * timeouts and back-off on (the {@link Scheduler} it is), and a way for a caller to wait. The fallback runtime runs on threads of
 * its own, the adapter on a caller's {@link java.util.concurrent.Executor}, the manual runtime on the
 * test's thread and a virtual clock.
 */
interface Host extends Scheduler {
  /**
   * Runs {@code work} on a worker.
   *
   * @throws java.util.concurrent.RejectedExecutionException if the worker pool refuses it
   */
  void execute(Runnable work);

  /** Returns once {@code future} is done; the manual runtime runs its work meanwhile. */
  void awaitDone(Future<?> future) throws InterruptedException;

  /**
   * Whether the host may stop for good while work handed to it has not started (a caller's pool shut down
   * with {@code shutdownNow()} drops what it had queued); then whoever waits for termination checks
   * {@link #droppedWork()} now and then.
   */
  default boolean mayDropWork() {
    return false;
  }

  /** Whether the host has stopped for good: work handed to it and not started will never run. */
  default boolean droppedWork() {
    return false;
  }

  /**
   * The executor terminated: release what the host owns, then complete {@code termination}, once no thread
   * the host made is alive (the default: at once, for a host that made none).
   */
  default void terminated(CompletableFuture<Void> termination) {
    termination.complete(null);
  }

  /** A short name of the runtime for diagnostics, such as {@code fallback}. */
  String runtimeName();
}
