// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A task as an {@link ExecutorListener} is told about it: who runs it, what it is called, its attempt, and how long
 * it has waited and run. One object stands for one task: every event of a task passes the same one, so a
 * listener may key a map by it (by identity, as OkHttp's {@code EventListener} keys by its {@code Call}).
 *
 * <p>It is a live view, cheap to pass: {@link #attempt()} and the durations are read when called and move on
 * as the task does, until it ends, from when they stay as they were at its end. Read what an event needs while
 * the listener is called. Durations are wall-clock time ({@link System#nanoTime()}), also under a virtual clock.
 */
public interface TaskEvent {
  /**
   * The name of the executor that runs the task.
   *
   * @return the executor's {@linkplain AsyncExecutor#name() name}
   */
  String executor();

  /**
   * The task's {@linkplain TaskOptions#name() name}.
   *
   * @return its name, or {@code null} if it has none
   */
  @Nullable String name();

  /**
   * The task's {@linkplain TaskOptions#lane() lane}.
   *
   * @return its lane, or {@code null} if it runs under none
   */
  @Nullable String lane();

  /**
   * Whether the task runs on a blocking thread ({@code submitBlocking}, {@code mapBlocking},
   * {@code callAppropriately}, {@code execute}).
   *
   * @return whether it runs blocking
   */
  boolean blocking();

  /**
   * The number of the task's current (or last) attempt, from 1; 0 before it first starts.
   *
   * @return the attempt's number
   */
  int attempt();

  /**
   * How long the task waited between acceptance and the start of its first attempt (so far, if it has not
   * started), in nanoseconds.
   *
   * @return the wait in nanoseconds
   */
  long queuedNanos();

  /**
   * How long since the task's first attempt started, back-off between attempts included (until its end, once
   * it has ended), in nanoseconds; 0 if it never started.
   *
   * @return the time running in nanoseconds
   */
  long runningNanos();

  /**
   * {@link #queuedNanos()} as a {@link Duration}.
   *
   * @return the wait
   */
  default Duration queued() {
    return Duration.ofNanos(queuedNanos());
  }

  /**
   * {@link #runningNanos()} as a {@link Duration}.
   *
   * @return the time running
   */
  default Duration running() {
    return Duration.ofNanos(runningNanos());
  }

  /**
   * The task's name if it has one, else {@code "a task of <executor>"}: for log lines.
   *
   * @return a name to show
   */
  default String displayName() {
    String name = name();
    return name != null ? name : "a task of " + executor();
  }
}
