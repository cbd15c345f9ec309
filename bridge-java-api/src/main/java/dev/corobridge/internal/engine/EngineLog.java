// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The debug lines every engine writes, in one wording, to the {@code dev.corobridge} {@link System.Logger}: a retry,
 * a timeout, a shutdown and a termination. Each checks {@link Logger#isLoggable} first, so with debug off a line
 * costs one call; none is on a path every task takes. Not part of the public API.
 */
public final class EngineLog {
  private static final Logger LOG = System.getLogger("dev.corobridge");

  private EngineLog() {}

  /**
   * A task's attempt did not succeed and another follows.
   *
   * @param executor   the executor's name
   * @param task       the task's name, or {@code null}
   * @param attempt    the number of the attempt that ended
   * @param failure    what it failed with, or {@code null} if its value is retried
   * @param delayNanos the wait before the next attempt
   */
  public static void retrying(String executor, @Nullable String task, int attempt, @Nullable Throwable failure, long delayNanos) {
    if (!LOG.isLoggable(Level.DEBUG)) return;
    LOG.log(Level.DEBUG, describe(executor, task) + ": attempt " + attempt + (failure == null ? " returned a value its policy retries" : " failed with " + failure)
        + "; next attempt in " + Duration.ofNanos(delayNanos));
  }

  /**
   * A task, or one attempt of it, ran out of time.
   *
   * @param executor the executor's name
   * @param message  the timeout's own message, which names the task
   */
  public static void timedOut(String executor, @Nullable String message) {
    if (LOG.isLoggable(Level.DEBUG)) LOG.log(Level.DEBUG, "executor " + executor + ": " + message);
  }

  static void shutdown(String executor) {
    if (LOG.isLoggable(Level.DEBUG)) LOG.log(Level.DEBUG, "executor " + executor + " shutting down: no new work accepted");
  }

  static void terminated(String executor) {
    if (LOG.isLoggable(Level.DEBUG)) LOG.log(Level.DEBUG, "executor " + executor + " terminated: every accepted task has finished");
  }

  private static String describe(String executor, @Nullable String task) {
    return (task == null ? "a task" : "task \"" + task + "\"") + " of executor " + executor;
  }
}
