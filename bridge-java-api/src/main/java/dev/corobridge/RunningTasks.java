// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The tasks an executor has accepted and not yet finished, for debugging a batch that will not end or a lane that
 * stays full: register it as a {@linkplain AsyncExecutor.Builder#listener listener}, then ask for a
 * {@link #snapshot()} whenever you want to see what is running now. It keeps one map entry per unfinished task, so
 * an executor built without it pays nothing. One {@code RunningTasks} may watch several executors; each snapshot
 * entry names its executor. Thread-safe.
 *
 * <pre>{@code
 * RunningTasks running = RunningTasks.create();
 * AsyncExecutor executor = AsyncExecutor.builder().maxWorkers(8).listener(running).build();
 * ...
 * for (TaskSnapshot task : running.snapshot()) log.info("{}", task); // "fetch QUEUED lane=io age=PT2.1S"
 * }</pre>
 */
public final class RunningTasks implements ExecutorListener {
  /** Each unfinished task, and whether it waits out a back-off; a task's events come one after another. */
  private final Map<TaskEvent, Boolean> unfinished = new ConcurrentHashMap<>();

  private RunningTasks() {}

  /**
   * Returns a tracker that watches nothing yet: pass it to {@link AsyncExecutor.Builder#listener}.
   *
   * @return a new tracker
   */
  public static RunningTasks create() {
    return new RunningTasks();
  }

  /**
   * The tasks accepted and not yet finished at about this moment, oldest first. A task that ends while the
   * snapshot is taken may be in it or not; every task in it was unfinished at some moment of the call.
   *
   * @return the unfinished tasks, oldest first; a new list the caller may keep
   */
  public List<TaskSnapshot> snapshot() {
    List<TaskSnapshot> tasks = new ArrayList<>(unfinished.size());
    unfinished.forEach((task, retrying) -> tasks.add(snapshotOf(task, retrying)));
    tasks.sort(Comparator.comparing(TaskSnapshot::age).reversed());
    return tasks;
  }

  /**
   * The number of tasks accepted and not yet finished.
   *
   * @return the number of unfinished tasks
   */
  public int size() {
    return unfinished.size();
  }

  private static TaskSnapshot snapshotOf(TaskEvent task, boolean retrying) {
    int attempt = task.attempt();
    TaskSnapshot.State state = attempt == 0 ? TaskSnapshot.State.QUEUED
        : retrying ? TaskSnapshot.State.WAITING_TO_RETRY : TaskSnapshot.State.RUNNING;
    long age = task.queuedNanos() + task.runningNanos();
    return new TaskSnapshot(task.executor(), task.name(), task.lane(), task.blocking(), state, attempt, Duration.ofNanos(age));
  }

  @Override
  public void taskQueued(TaskEvent task) {
    unfinished.put(task, Boolean.FALSE);
  }

  @Override
  public void taskStarted(TaskEvent task) {
    unfinished.put(task, Boolean.FALSE);
  }

  @Override
  public void taskRetrying(TaskEvent task, RetryEvent retry) {
    unfinished.put(task, Boolean.TRUE);
  }

  @Override
  public void taskSucceeded(TaskEvent task) {
    unfinished.remove(task);
  }

  @Override
  public void taskFailed(TaskEvent task, Throwable failure) {
    unfinished.remove(task);
  }

  @Override
  public void taskTimedOut(TaskEvent task, TimeoutException timeout) {
    unfinished.remove(task);
  }

  @Override
  public void taskCancelled(TaskEvent task) {
    unfinished.remove(task);
  }

  /**
   * The snapshot, one task per line, oldest first.
   *
   * @return the unfinished tasks as lines
   */
  @Override
  public String toString() {
    List<TaskSnapshot> tasks = snapshot();
    return tasks.isEmpty() ? "RunningTasks[none]"
        : tasks.stream().map(TaskSnapshot::toString).collect(Collectors.joining("\n  ", "RunningTasks[" + tasks.size() + "]\n  ", ""));
  }
}
