// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.test;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.ExecutorStats;
import dev.corobridge.internal.Checks;
import java.time.Duration;

/**
 * Checks of an executor's state for tests: that every task it accepted has been accounted for once the work
 * is over (nothing lost, nothing still holding a slot).
 *
 * <pre>{@code
 * CompletableFuture<?> first = executor.submit(() -> service.fetch(id));
 * CompletableFuture<?> second = executor.submitBlocking(() -> repository.load(id));
 * CompletableFuture.allOf(first, second).exceptionally(e -> null).join();
 * ExecutorStats stats = ExecutorChecks.awaitBalanced(executor, Duration.ofSeconds(10));
 * assertEquals(2, stats.submitted());
 * }</pre>
 */
public final class ExecutorChecks {
  private ExecutorChecks() {}

  /**
   * Waits until {@code executor} has no task running or queued and its counters balance ({@code submitted ==
   * succeeded + failed + cancelled}, see {@link ExecutorStats}), and returns its stats then. A task's future
   * completes a moment before the executor counts it as finished, hence the wait.
   *
   * @param executor the executor to check
   * @param timeout how long to wait at most; a duration too large for nanoseconds means no limit
   * @return the balanced stats
   * @throws AssertionError with the last stats read, when they have not balanced within {@code timeout}
   * @throws NullPointerException if {@code executor} or {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public static ExecutorStats awaitBalanced(AsyncExecutor executor, Duration timeout) {
    Checks.notNull(executor, "executor");
    return Polling.until(executor::stats, ExecutorChecks::isBalanced, timeout, stats ->
        "the executor's stats did not balance within " + timeout + ": " + stats
            + " (a task still running or queued, or one lost)");
  }

  private static boolean isBalanced(ExecutorStats s) {
    return s.running() == 0 && s.queued() == 0 && s.submitted() == s.succeeded() + s.failed() + s.cancelled();
  }
}
