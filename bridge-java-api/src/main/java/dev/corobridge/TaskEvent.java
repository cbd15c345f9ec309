// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A task as an {@link ExecutorListener} is told about it: who runs it, what it is called, and how long it has
 * waited and run so far. Durations are wall-clock time ({@link System#nanoTime()}), also under a virtual clock.
 *
 * @param id       the task's number in its executor, from 1 in the order the executor accepted its tasks: the
 *                 events of one task carry the same id
 * @param executor the name of the executor that runs the task
 * @param name     the task's {@linkplain TaskOptions#name() name}, or {@code null} if it has none
 * @param lane     the task's {@linkplain TaskOptions#lane() lane}, or {@code null} if it runs under none
 * @param blocking whether it runs on a blocking thread ({@code submitBlocking}, {@code mapBlocking},
 *                 {@code callAppropriately}, {@code execute})
 * @param attempt  the number of its current (or last) attempt, from 1; 0 before it first starts
 * @param queued   how long it waited between acceptance and the start of its first attempt (so far, if it has
 *                 not started)
 * @param running  how long since its first attempt started, back-off between attempts included;
 *                 {@link Duration#ZERO} if it never started
 */
public record TaskEvent(long id, String executor, @Nullable String name, @Nullable String lane, boolean blocking, int attempt,
                        Duration queued, Duration running) {
  /**
   * The task's name if it has one, else {@code "a task of <executor>"}: for log lines.
   *
   * @return a name to show
   */
  public String displayName() {
    return name != null ? name : "a task of " + executor;
  }
}
