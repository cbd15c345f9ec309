// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One task as {@link RunningTasks#snapshot()} saw it: who runs it, what it is called, where it is, and how long
 * ago it was accepted. Immutable: it does not move on as the task does.
 *
 * @param executor the {@linkplain AsyncExecutor#name() name} of the executor that runs it
 * @param name     its {@linkplain TaskOptions#name() name}, or {@code null} if it has none
 * @param lane     its {@linkplain TaskOptions#lane() lane}, or {@code null} if it runs under none
 * @param blocking whether it runs on a blocking thread
 * @param state    where it is: waiting to start, running, or waiting to retry
 * @param attempt  the number of its current (or last) attempt, from 1; 0 if it has not started
 * @param age      how long since it was accepted
 */
public record TaskSnapshot(String executor, @Nullable String name, @Nullable String lane, boolean blocking,
                           State state, int attempt, Duration age) {
  /** Where a task is in its life. */
  public enum State {
    /** Accepted, waiting for its permits (a worker slot, its lane, its semaphore) to start its first attempt. */
    QUEUED,
    /** An attempt has its permits and runs. */
    RUNNING,
    /** An attempt did not succeed, and the task waits out its back-off before the next. */
    WAITING_TO_RETRY
  }

  /**
   * The task's name if it has one, else {@code "a task of <executor>"}: for log lines.
   *
   * @return a name to show
   */
  public String displayName() {
    return name != null ? name : "a task of " + executor;
  }

  @Override
  public String toString() {
    return displayName() + " " + state + (lane == null ? "" : " lane=" + lane) + (blocking ? " blocking" : "")
        + (attempt > 1 ? " attempt=" + attempt : "") + " age=" + age;
  }
}
