// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import dev.corobridge.internal.Checks;
import dev.corobridge.internal.engine.SampledListener;
import java.util.concurrent.TimeoutException;

/**
 * Told what happens to each task an executor accepts, for metrics, tracing and logs: registered with
 * {@link AsyncExecutor.Builder#listener}, it hears of every task counted in {@link ExecutorStats#submitted()}
 * (submitted, spawned, {@code callAppropriately}, {@code execute}, each item of a batch or stream, each fork of a
 * scope; a {@linkplain #sampled sampled} listener, of the tasks chosen for it): once when it is {@linkplain #taskQueued queued}, once per attempt when it {@linkplain #taskStarted
 * starts}, once per {@linkplain #taskRetrying retry}, and exactly once when the executor is done with it, by
 * one of {@link #taskSucceeded}, {@link #taskFailed}, {@link #taskTimedOut} or {@link #taskCancelled}, at the
 * moment the executor counts it in its {@link ExecutorStats}. A task refused at the call (shut down, queue
 * full, unknown lane) is not accepted and not told.
 *
 * <p>Every method has an empty default, so a listener overrides what it needs. The methods run on the thread
 * where the event happens (the submitting thread, a worker, a timer), never while the executor holds a lock,
 * and must be quick and must not block; a method that throws changes nothing for the task, and what it threw
 * is handed to the executor's {@code onUncaughtError} handler. An executor without a listener does none of
 * this work.
 *
 * <p>In the manner of OkHttp's {@code EventListener}:
 *
 * <pre>{@code
 * AsyncExecutor executor = AsyncExecutor.builder()
 *     .listener(new ExecutorListener() {
 *       @Override public void taskFailed(TaskEvent task, Throwable failure) {
 *         log.warn("{} failed after {} attempts in {}", task.displayName(), task.attempt(), task.running(), failure);
 *       }
 *     })
 *     .build();
 * }</pre>
 */
public interface ExecutorListener {
  /**
   * A listener told of a sample of the tasks: every task while they come slower than {@code maxTasksPerSecond},
   * and about that many a second when they come faster, each chosen when it is accepted and then told all its
   * events like any listener. For metrics of timings on a busy executor: being told of a task costs a few clock
   * reads and calls, which on tasks of a few tens of nanoseconds is more than the task, while a task not chosen
   * costs the sample a decrement. Exact counts come from {@link AsyncExecutor#stats()}.
   *
   * <p>Corobridge's runtimes sample; a runtime that does not know sampled listeners tells this one every task.
   *
   * @param listener          the listener to tell
   * @param maxTasksPerSecond about the most tasks a second it is told of, at least 1; {@link Integer#MAX_VALUE} for
   *                          every task (then {@code listener} itself is returned)
   * @return a listener to register with {@link AsyncExecutor.Builder#listener}
   * @throws NullPointerException     if {@code listener} is null
   * @throws IllegalArgumentException if {@code maxTasksPerSecond < 1}
   */
  static ExecutorListener sampled(ExecutorListener listener, int maxTasksPerSecond) {
    Checks.notNull(listener, "listener");
    Checks.atLeast(maxTasksPerSecond, 1, "maxTasksPerSecond");
    return maxTasksPerSecond == Integer.MAX_VALUE ? listener : new SampledListener(listener, maxTasksPerSecond);
  }

  /**
   * The task was accepted and waits to start (for a worker slot, its lane, its semaphore).
   *
   * @param task the task, {@linkplain TaskEvent#attempt() attempt} 0
   */
  default void taskQueued(TaskEvent task) {}

  /**
   * An attempt of the task has its permits and starts running.
   *
   * @param task the task; {@link TaskEvent#attempt()} is the number of the attempt, from 1
   */
  default void taskStarted(TaskEvent task) {}

  /**
   * An attempt did not succeed and the task's {@link RetryPolicy} chose another one, after {@code retry.delay()}.
   *
   * @param task  the task; {@link TaskEvent#attempt()} is the number of the attempt that ended
   * @param retry how the attempt ended and the wait before the next
   */
  default void taskRetrying(TaskEvent task, RetryEvent retry) {}

  /**
   * The task completed with a value.
   *
   * @param task the task
   */
  default void taskSucceeded(TaskEvent task) {}

  /**
   * The task failed with {@code failure}, the exception its future fails with (not a timeout, not a
   * cancellation).
   *
   * @param task    the task
   * @param failure its failure
   */
  default void taskFailed(TaskEvent task, Throwable failure) {}

  /**
   * The task failed with a {@link TimeoutException}: its {@link TaskOptions#timeout()} or last
   * {@link TaskOptions#attemptTimeout()} ran out (or its own code threw one).
   *
   * @param task    the task
   * @param timeout the exception its future fails with
   */
  default void taskTimedOut(TaskEvent task, TimeoutException timeout) {}

  /**
   * The task was cancelled: its future was cancelled, it was refused after it was accepted (a shutdown that
   * cancels what has not started), or its scope or batch gave up on it.
   *
   * @param task the task
   */
  default void taskCancelled(TaskEvent task) {}
}
