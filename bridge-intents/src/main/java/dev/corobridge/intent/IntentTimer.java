// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import dev.corobridge.internal.Checks;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Waits out an intent's {@link Intent#DELAY} (and the back-off of a retry, where the executor retries
 * itself) before handing it on. The {@linkplain #system() system timer} is the JDK's; a test passes a
 * virtual clock instead, such as {@code ManualExecutor}'s: {@code IntentExecutors.on(manual, (delay, action) ->
 * manual.delay(delay).thenRun(action))}.
 */
@FunctionalInterface
public interface IntentTimer {
  /**
   * Runs {@code action} once {@code delay} has passed, on a thread of the timer's choosing. Must not
   * block; an action must not be lost.
   *
   * @param delay how long to wait, {@code > 0}
   * @param action what to run then; it does not block
   */
  void schedule(Duration delay, Runnable action);

  /**
   * The JDK's timer ({@link CompletableFuture#delayedExecutor}): actions run on the common pool.
   *
   * @return the system timer
   */
  static IntentTimer system() {
    return (delay, action) -> CompletableFuture.delayedExecutor(Checks.saturatedNanos(delay), TimeUnit.NANOSECONDS).execute(action);
  }
}
