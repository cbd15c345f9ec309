// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown at the call by {@link AsyncExecutor} methods that accept new work ({@code submit}, {@code map},
 * {@code mapIter}, {@code spawn}, {@code execute}, ...) once the executor has been shut down, as
 * {@link java.util.concurrent.ExecutorService#submit} does.
 */
public class ExecutorShutdownException extends RejectedExecutionException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with the given detail message.
   *
   * @param message the detail message
   */
  public ExecutorShutdownException(String message) {
    super(message);
  }
}
