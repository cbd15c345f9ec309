// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.threaded;

import java.util.concurrent.Future;

/**
 * What a {@link ThreadedExecutor} runs on: somewhere to run task bodies, a clock to schedule
 * timeouts and back-off on, and a way for a caller to wait. The fallback runtime runs on threads of
 * its own, the adapter on a caller's {@link java.util.concurrent.Executor}, the manual runtime on the
 * test's thread and a virtual clock.
 */
interface Host {
  /**
   * Runs {@code work} on a worker.
   *
   * @throws java.util.concurrent.RejectedExecutionException if the worker pool refuses it
   */
  void execute(Runnable work);

  /** Runs {@code action} once {@code delayNanos} have passed, unless cancelled first. */
  Timed schedule(Runnable action, long delayNanos);

  /** Returns once {@code future} is done; the manual runtime runs its work meanwhile. */
  void awaitDone(Future<?> future) throws InterruptedException;

  /** The executor terminated: release what the host owns. */
  void terminated();

  /** A short name of the runtime for diagnostics, such as {@code fallback}. */
  String runtimeName();

  /** An action on a clock that can be called off. */
  interface Timed {
    /** Calls the action off; returns false if it has already started, in which case it runs to its end. */
    boolean cancel();
  }
}
