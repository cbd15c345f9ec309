// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread, {@value #THREAD_NAME}, that times the timeouts and retry back-offs of every
 * executor on real threads, and hands each action, when its time comes, to a thread of its own
 * ({@value #ACTION_THREAD_NAME}, created on demand, idle ones retired after a few seconds). An action may
 * complete a future and so run the callbacks a user attached to it, which may block: it then holds up
 * that one action thread, never the clock, so no other timeout or back-off of any executor is late.
 * Both kinds of thread are daemons that never hold the JVM up. Used by every runtime (the coroutine engine
 * times its Java tasks' deadlines on it too). Not part of the public API.
 */
public final class SharedTimer {
  /** The name of the clock thread. */
  public static final String THREAD_NAME = "corobridge-timer";
  /** The name of the threads that run the actions. */
  public static final String ACTION_THREAD_NAME = "corobridge-timer-action";

  private static final ScheduledThreadPoolExecutor TIMER = WorkerThreads.sharedScheduler(THREAD_NAME);
  private static final ThreadPoolExecutor ACTIONS = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS,
      new SynchronousQueue<>(), action -> {
        Thread thread = new Thread(action, ACTION_THREAD_NAME);
        thread.setDaemon(true);
        return thread;
      });

  private SharedTimer() {}

  /**
   * Runs {@code action} on an action thread once {@code delayNanos} have passed, unless called off first.
   *
   * @param action     what to run
   * @param delayNanos how long from now, in nanoseconds
   * @return the handle that calls the action off
   */
  public static Timed schedule(Runnable action, long delayNanos) {
    return new Scheduled(action) {
      private static final long serialVersionUID = 1L;
      // The clock only hands the action over; whoever claims it first (the action or cancel()) decides.
      private final ScheduledFuture<?> future = TIMER.schedule(() -> ACTIONS.execute(this), delayNanos, TimeUnit.NANOSECONDS);

      @Override
      protected void onCancelled() {
        future.cancel(false);
      }
    };
  }
}
