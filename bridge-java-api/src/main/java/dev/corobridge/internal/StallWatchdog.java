// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import dev.corobridge.StalledTaskException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Notices tasks that keep a non-blocking worker thread busy for too long. Engines bracket each
 * stretch of non-blocking work with {@link #enter} and {@link Busy#exit}; one shared daemon thread,
 * {@value #THREAD_NAME}, looks at the open stretches of every watchdog a few times per threshold and
 * reports each stretch that runs past its threshold once, with the thread's stack, as a
 * {@link StalledTaskException}. It also reports an executor whose every slot is held by tasks waiting for
 * stages while work is queued and nothing finishes ({@link #watchSaturation}). Engines without a
 * watchdog pay nothing. Not part of the public API.
 */
public final class StallWatchdog {
  /** The name of the thread that checks every watchdog. */
  public static final String THREAD_NAME = "corobridge-watchdog";

  private static final ScheduledThreadPoolExecutor CHECKER = WorkerThreads.sharedScheduler(THREAD_NAME);

  private final String executorName;
  private final long thresholdNanos;
  private final Consumer<Throwable> report;
  private final Set<Busy> open = ConcurrentHashMap.newKeySet();
  private final Set<Waiting> waiting = ConcurrentHashMap.newKeySet();
  private final ScheduledFuture<?> checking;
  private volatile Saturation saturation;
  // Read and written by the checking thread only.
  private long lastFinished = -1;
  private long progressAt;
  private boolean saturationReported;

  /**
   * What the watchdog needs to tell that an executor is stuck waiting for itself: every worker slot
   * taken by tasks that wait for a stage, work queued for a slot, and no task finishing.
   */
  public interface Saturation {
    /** The executor's bound on tasks in flight. */
    int maxWorkers();

    /** Whether no worker slot is free and work waits for one. */
    boolean saturated();

    /** A count that grows whenever a task finishes. */
    long finished();
  }

  /** Starts watching; {@link #stop()} it when the executor terminates. */
  public StallWatchdog(String executorName, Duration threshold, Consumer<Throwable> report) {
    this.executorName = executorName;
    this.thresholdNanos = Checks.saturatedNanos(threshold);
    this.report = report;
    long period = Math.max(TimeUnit.MILLISECONDS.toNanos(5), thresholdNanos / 4);
    this.checking = CHECKER.scheduleAtFixedRate(this::check, period, period, TimeUnit.NANOSECONDS);
  }

  /** A stretch of non-blocking work of {@code task} on the current thread begins. */
  public Busy enter(String task) {
    Busy busy = new Busy(task, Thread.currentThread(), System.nanoTime());
    open.add(busy);
    return busy;
  }

  /** Also watches the executor as a whole for slots all held by waiting tasks (see {@link Saturation}). */
  public void watchSaturation(Saturation executor) {
    this.saturation = executor;
  }

  /**
   * A task holding a worker slot starts waiting for a stage (an async task's stage that is not
   * complete); {@link Waiting#done()} when it stops waiting.
   */
  public Waiting awaiting(String task) {
    Waiting w = new Waiting(task);
    waiting.add(w);
    return w;
  }

  /** Stops watching. */
  public void stop() {
    checking.cancel(false);
    open.clear();
  }

  private void check() {
    long now = System.nanoTime();
    checkSaturation(now);
    for (Busy busy : open) {
      long busyFor = now - busy.since;
      if (busyFor < thresholdNanos || busy.reported) continue;
      StackTraceElement[] stack = busy.thread.getStackTrace();
      if (!open.contains(busy)) continue; // it ended while the stack was taken
      busy.reported = true;
      StalledTaskException stall = new StalledTaskException(busy.task, busy.thread.getName(),
          busy.task + " has kept non-blocking worker " + busy.thread.getName() + " of executor " + executorName + " busy for "
              + TimeUnit.NANOSECONDS.toMillis(busyFor) + " ms without yielding (threshold " + TimeUnit.NANOSECONDS.toMillis(thresholdNanos)
              + " ms); move blocking or long computations to submitBlocking", stack);
      try {
        report.accept(stall);
      } catch (Throwable handlerFailure) {
        System.getLogger("dev.corobridge").log(System.Logger.Level.ERROR, "reporting a stall failed", handlerFailure);
      }
    }
  }

  /**
   * Reports, once until progress resumes, an executor whose every slot is held by tasks waiting for
   * stages while work is queued and nothing finishes: most likely tasks waiting for work of their own
   * executor that they composed where the engine could not see it.
   */
  private void checkSaturation(long now) {
    Saturation s = saturation;
    if (s == null) return;
    long finished = s.finished();
    boolean stuck = s.saturated() && waiting.size() >= s.maxWorkers();
    if (!stuck || finished != lastFinished) {
      lastFinished = finished;
      progressAt = now;
      saturationReported = false;
      return;
    }
    if (saturationReported || now - progressAt < thresholdNanos) return;
    saturationReported = true;
    java.util.List<String> names = new java.util.ArrayList<>();
    for (Waiting w : waiting) {
      names.add(w.task);
    }
    java.util.Collections.sort(names);
    String message = "every worker of executor " + executorName + " (maxWorkers " + s.maxWorkers() + ") is held by a task waiting for a "
        + "stage, work is queued, and no task has finished for " + TimeUnit.NANOSECONDS.toMillis(now - progressAt) + " ms: "
        + names + ". A task that waits for work of its own executor must start it in its call() (then it gives its slot "
        + "back while it waits) or use a scope; see docs/scopes.md";
    try {
      report.accept(new StalledTaskException("executor " + executorName, "", message, new StackTraceElement[0]));
    } catch (Throwable handlerFailure) {
      System.getLogger("dev.corobridge").log(System.Logger.Level.ERROR, "reporting a stall failed", handlerFailure);
    }
  }

  /** A task that holds a worker slot while it waits for a stage. */
  public final class Waiting {
    final String task;

    Waiting(String task) {
      this.task = task;
    }

    /** The task stopped waiting. */
    public void done() {
      waiting.remove(this);
    }
  }

  /** One open stretch of non-blocking work. */
  public final class Busy {
    final String task;
    final Thread thread;
    final long since;
    volatile boolean reported;

    Busy(String task, Thread thread, long since) {
      this.task = task;
      this.thread = thread;
      this.since = since;
    }

    /** The stretch ends: the task returned or suspended. */
    public void exit() {
      open.remove(this);
    }
  }
}
