// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import dev.corobridge.ExecutorListener;
import dev.corobridge.RetryEvent;
import dev.corobridge.TaskEvent;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One task's events as its {@link TaskListeners} hear them; it is the {@link TaskEvent} they are passed, so an event
 * allocates nothing. The engine calls {@link #started} at each attempt's start, {@link #retrying} when its policy
 * chose another attempt, and one {@code finished} where it counts the task in its stats; those calls follow one
 * another (an attempt starts after the previous one ended), so plain volatile fields suffice. Not part of the
 * public API.
 */
public final class TaskTrace implements TaskEvent {
  private static final int QUEUED = 0;
  private static final int STARTED = 1;
  private static final int SUCCEEDED = 2;
  private static final int CANCELLED = 3;

  private final TaskListeners listeners;
  private final ExecutorListener[] told; // the listeners that hear this task
  private final @Nullable String name;
  private final @Nullable String lane;
  private final boolean blocking;
  private final long acceptedAt = System.nanoTime();
  private volatile long startedAt;
  private volatile int attempt;
  private volatile long endedAt;
  private volatile boolean ended;

  TaskTrace(TaskListeners listeners, ExecutorListener[] told, @Nullable String name, @Nullable String lane, boolean blocking) {
    this.listeners = listeners;
    this.told = told;
    this.name = name;
    this.lane = lane;
    this.blocking = blocking;
  }

  void tellQueued() {
    tell(QUEUED);
  }

  /** An attempt has its permits and starts. */
  public void started() {
    if (attempt == 0) startedAt = System.nanoTime();
    attempt++;
    tell(STARTED);
  }

  /**
   * The attempt that just ended did not succeed and another follows after {@code delayNanos}.
   *
   * @param result     what it returned, if {@code failure} is null
   * @param failure    what it failed with, or {@code null}
   * @param delayNanos the back-off before the next attempt
   */
  public void retrying(@Nullable Object result, @Nullable Throwable failure, long delayNanos) {
    RetryEvent retry = new RetryEvent(attempt, failure, failure == null ? result : null, Duration.ofNanos(delayNanos));
    for (ExecutorListener listener : told) {
      try {
        listener.taskRetrying(this, retry);
      } catch (Throwable listenerFailure) {
        listeners.failed(listenerFailure);
      }
    }
  }

  /**
   * The executor is done with the task, whose future is complete: tells how it ended.
   *
   * @param future the task's future, completed
   */
  public void finished(CompletableFuture<?> future) {
    if (future.isCancelled()) {
      finished(true, null);
    } else if (!future.isCompletedExceptionally()) {
      finished(false, null);
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
    endedAt = System.nanoTime();
    ended = true;
    Throwable error = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cancelled || error instanceof CancellationException) {
      tell(CANCELLED);
    } else if (error == null) {
      tell(SUCCEEDED);
    } else {
      for (ExecutorListener listener : told) {
        try {
          if (error instanceof TimeoutException timeout) {
            listener.taskTimedOut(this, timeout);
          } else {
            listener.taskFailed(this, error);
          }
        } catch (Throwable listenerFailure) {
          listeners.failed(listenerFailure);
        }
      }
    }
  }

  /** Tells every listener of an event without detail; what one throws goes to the uncaught-error handler. */
  private void tell(int event) {
    for (ExecutorListener listener : told) {
      try {
        switch (event) {
          case QUEUED -> listener.taskQueued(this);
          case STARTED -> listener.taskStarted(this);
          case SUCCEEDED -> listener.taskSucceeded(this);
          default -> listener.taskCancelled(this);
        }
      } catch (Throwable listenerFailure) {
        listeners.failed(listenerFailure);
      }
    }
  }

  @Override
  public String executor() {
    return listeners.executor;
  }

  @Override
  public @Nullable String name() {
    return name;
  }

  @Override
  public @Nullable String lane() {
    return lane;
  }

  @Override
  public boolean blocking() {
    return blocking;
  }

  @Override
  public int attempt() {
    return attempt;
  }

  @Override
  public long queuedNanos() {
    if (attempt > 0) return startedAt - acceptedAt;
    return (ended ? endedAt : System.nanoTime()) - acceptedAt;
  }

  @Override
  public long runningNanos() {
    if (attempt == 0) return 0;
    return (ended ? endedAt : System.nanoTime()) - startedAt;
  }

  @Override
  public String toString() {
    return "TaskEvent[" + displayName() + ", lane=" + lane + ", blocking=" + blocking + ", attempt=" + attempt
        + ", queued=" + Duration.ofNanos(queuedNanos()) + ", running=" + Duration.ofNanos(runningNanos()) + "]";
  }
}
