// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown at the call when a bounded runtime has no room for more work: its queue of tasks waiting
 * for a worker is full, or the {@link java.util.concurrent.Executor} it runs on refused the task.
 * Nothing was accepted; the caller may retry later, shed the load, or use a larger runtime.
 *
 * <p>Part of Corobridge's error taxonomy: {@link ExecutorShutdownException} (not running),
 * {@code OutOfResourcesException} (no room), {@link TaskPanicException} (a task died of an
 * {@link Error}) and {@link NotSupportedException} (the runtime cannot offer the operation).
 */
public class OutOfResourcesException extends RejectedExecutionException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with the given detail message.
   *
   * @param message the detail message, naming the bound that was reached
   */
  public OutOfResourcesException(String message) {
    super(message);
  }

  /**
   * Creates an exception with the given detail message and cause.
   *
   * @param message the detail message, naming the bound that was reached
   * @param cause   what refused the task, for example the {@code RejectedExecutionException} of a
   *                caller's executor
   */
  public OutOfResourcesException(String message, Throwable cause) {
    super(message, cause);
  }
}
