// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.threaded;

import dev.corobridge.internal.WorkerThreads;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread, {@value #THREAD_NAME}, that times the timeouts and retry back-offs of every
 * executor on real threads. Timed actions only complete futures or hand work to an executor, so one
 * thread serves them all; it lives as long as the JVM and never holds it up.
 */
final class SharedTimer {
  static final String THREAD_NAME = "corobridge-timer";

  private static final ScheduledThreadPoolExecutor TIMER = WorkerThreads.sharedScheduler(THREAD_NAME);

  private SharedTimer() {}

  static Host.Timed schedule(Runnable action, long delayNanos) {
    return new Scheduled(action) {
      private static final long serialVersionUID = 1L;
      private final ScheduledFuture<?> future = TIMER.schedule(this, delayNanos, TimeUnit.NANOSECONDS);

      @Override
      void onCancelled() {
        future.cancel(false);
      }
    };
  }
}
