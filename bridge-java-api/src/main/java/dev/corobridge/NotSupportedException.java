// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

/**
 * Thrown when the runtime cannot offer an operation in the caller's situation, for example
 * {@link AsyncExecutor#runBlocking} on a thread the runtime needs to make progress: a non-blocking
 * worker, or the single thread that drives a cooperative runtime. The message says why and what to
 * call instead. It is an {@link IllegalStateException}, as the {@code runBlocking} contract promises.
 */
public class NotSupportedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with the given detail message.
   *
   * @param message why the operation is not supported here and what to call instead
   */
  public NotSupportedException(String message) {
    super(message);
  }
}
