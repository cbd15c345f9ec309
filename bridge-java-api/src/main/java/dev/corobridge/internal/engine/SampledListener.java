// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import dev.corobridge.ExecutorListener;
import dev.corobridge.RetryEvent;
import dev.corobridge.TaskEvent;
import java.util.concurrent.TimeoutException;

/**
 * What {@link ExecutorListener#sampled} returns: a listener told of some tasks only, all events of each. Corobridge's
 * runtimes recognise it ({@link TaskListeners}) and choose its tasks at acceptance with a {@link Sampler}, so the
 * tasks it is not told of cost it nothing; a runtime that does not know it calls it like any listener, and then it
 * hears every task. Not part of the public API.
 */
public final class SampledListener implements ExecutorListener {
  final ExecutorListener delegate;
  final int maxTasksPerSecond;

  /**
   * A listener told of about {@code maxTasksPerSecond} tasks a second at most.
   *
   * @param delegate          the listener told
   * @param maxTasksPerSecond the most tasks a second it hears, about
   */
  public SampledListener(ExecutorListener delegate, int maxTasksPerSecond) {
    this.delegate = delegate;
    this.maxTasksPerSecond = maxTasksPerSecond;
  }

  @Override
  public void taskQueued(TaskEvent task) {
    delegate.taskQueued(task);
  }

  @Override
  public void taskStarted(TaskEvent task) {
    delegate.taskStarted(task);
  }

  @Override
  public void taskRetrying(TaskEvent task, RetryEvent retry) {
    delegate.taskRetrying(task, retry);
  }

  @Override
  public void taskSucceeded(TaskEvent task) {
    delegate.taskSucceeded(task);
  }

  @Override
  public void taskFailed(TaskEvent task, Throwable failure) {
    delegate.taskFailed(task, failure);
  }

  @Override
  public void taskTimedOut(TaskEvent task, TimeoutException timeout) {
    delegate.taskTimedOut(task, timeout);
  }

  @Override
  public void taskCancelled(TaskEvent task) {
    delegate.taskCancelled(task);
  }

  @Override
  public String toString() {
    return "sampled(" + delegate + ", at most about " + maxTasksPerSecond + " tasks/s)";
  }
}
