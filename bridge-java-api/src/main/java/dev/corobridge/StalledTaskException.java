// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

/**
 * Reported to an executor's {@code onUncaughtError} handler when its stall watchdog
 * ({@link AsyncExecutor.Builder#detectStalls}) sees a task keep a non-blocking worker thread busy
 * for longer than the threshold without yielding: the JVM counterpart of asyncio's slow-callback
 * warning. Its stack trace is the worker thread's stack at the moment of detection, which shows where
 * the task was busy. The task itself is not affected.
 */
public class StalledTaskException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  /** The name of the task that stalled. */
  private final String task;
  /** The name of the worker thread it kept busy. */
  private final String threadName;

  /**
   * Creates the report.
   *
   * @param task       the task's name
   * @param threadName the worker thread it kept busy
   * @param message    what happened, with the durations
   * @param stack      the worker thread's stack when the stall was seen
   */
  public StalledTaskException(String task, String threadName, String message, StackTraceElement[] stack) {
    super(message, null, false, true);
    this.task = task;
    this.threadName = threadName;
    setStackTrace(stack);
  }

  /**
   * The name of the task that stalled: its {@code TaskOptions} name, else the executor's or coroutine's name.
   *
   * @return the task's name
   */
  public String task() {
    return task;
  }

  /**
   * The name of the worker thread it kept busy.
   *
   * @return the thread's name
   */
  public String threadName() {
    return threadName;
  }
}
