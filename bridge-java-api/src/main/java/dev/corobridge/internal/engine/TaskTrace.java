// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import dev.corobridge.RetryEvent;
import dev.corobridge.TaskEvent;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One task's events as its {@link TaskListeners} hear them, with the times they are measured from. The engine
 * calls {@link #started} at each attempt's start, {@link #retrying} when its policy chose another attempt, and one
 * {@code finished} where it counts the task in its stats; those calls follow one another (an attempt starts after
 * the previous one ended), so plain volatile fields suffice. Not part of the public API.
 */
public final class TaskTrace {
  private final TaskListeners listeners;
  private final long id;
  private final @Nullable String name;
  private final @Nullable String lane;
  private final boolean blocking;
  private final long acceptedAt = System.nanoTime();
  private volatile long startedAt;
  private volatile int attempt;

  TaskTrace(TaskListeners listeners, long id, @Nullable String name, @Nullable String lane, boolean blocking) {
    this.listeners = listeners;
    this.id = id;
    this.name = name;
    this.lane = lane;
    this.blocking = blocking;
  }

  void tellQueued() {
    TaskEvent event = event();
    listeners.tell(listener -> listener.taskQueued(event));
  }

  /** An attempt has its permits and starts. */
  public void started() {
    if (attempt == 0) startedAt = System.nanoTime();
    attempt++;
    TaskEvent event = event();
    listeners.tell(listener -> listener.taskStarted(event));
  }

  /**
   * The attempt that just ended did not succeed and another follows after {@code delayNanos}.
   *
   * @param result     what it returned, if {@code failure} is null
   * @param failure    what it failed with, or {@code null}
   * @param delayNanos the back-off before the next attempt
   */
  public void retrying(@Nullable Object result, @Nullable Throwable failure, long delayNanos) {
    TaskEvent event = event();
    RetryEvent retry = new RetryEvent(event.attempt(), failure, failure == null ? result : null, Duration.ofNanos(delayNanos));
    listeners.tell(listener -> listener.taskRetrying(event, retry));
  }

  /**
   * The executor is done with the task, whose future is complete: tells how it ended.
   *
   * @param future the task's future, completed
   */
  public void finished(CompletableFuture<?> future) {
    if (future.isCancelled()) {
      finished(true, null);
    } else {
      finished(false, future.handle((value, failure) -> failure).getNow(null));
    }
  }

  /**
   * The executor is done with the task, which ended as given.
   *
   * @param cancelled whether it was cancelled
   * @param failure   what it failed with, or {@code null} if it succeeded (or was cancelled)
   */
  public void finished(boolean cancelled, @Nullable Throwable failure) {
    Throwable error = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    TaskEvent event = event();
    if (cancelled || error instanceof CancellationException) {
      listeners.tell(listener -> listener.taskCancelled(event));
    } else if (error instanceof TimeoutException timeout) {
      listeners.tell(listener -> listener.taskTimedOut(event, timeout));
    } else if (error != null) {
      listeners.tell(listener -> listener.taskFailed(event, error));
    } else {
      listeners.tell(listener -> listener.taskSucceeded(event));
    }
  }

  private TaskEvent event() {
    long now = System.nanoTime();
    int attempts = attempt;
    long started = attempts == 0 ? now : startedAt;
    return new TaskEvent(id, listeners.executor, name, lane, blocking, attempts, Duration.ofNanos(started - acceptedAt),
        Duration.ofNanos(now - started));
  }
}
