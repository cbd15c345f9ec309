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
 * {@link StalledTaskException}. Engines without a watchdog pay nothing. Not part of the public API.
 */
public final class StallWatchdog {
  /** The name of the thread that checks every watchdog. */
  public static final String THREAD_NAME = "corobridge-watchdog";

  private static final ScheduledThreadPoolExecutor CHECKER = WorkerThreads.sharedScheduler(THREAD_NAME);

  private final String executorName;
  private final long thresholdNanos;
  private final Consumer<Throwable> report;
  private final Set<Busy> open = ConcurrentHashMap.newKeySet();
  private final ScheduledFuture<?> checking;

  /** Starts watching; {@link #stop()} it when the executor terminates. */
  public StallWatchdog(String executorName, Duration threshold, Consumer<Throwable> report) {
    this.executorName = executorName;
    this.thresholdNanos = threshold.toNanos();
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

  /** Stops watching. */
  public void stop() {
    checking.cancel(false);
    open.clear();
  }

  private void check() {
    long now = System.nanoTime();
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
