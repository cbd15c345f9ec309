// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

/**
 * The failure of a task that died of an {@link Error} (an {@code AssertionError}, a
 * {@code StackOverflowError}, an {@code OutOfMemoryError} ...), which is kept as the
 * {@linkplain #getCause() cause}. The task's future fails with this exception, so the executor and
 * its other tasks carry on, and a caller can tell a task that panicked from one that failed with an
 * exception of its own.
 *
 * <pre>{@code
 * try {
 *   future.join();
 * } catch (CompletionException e) {
 *   if (e.getCause() instanceof TaskPanicException panic) {
 *     log.error("task died", panic.getCause());
 *   }
 * }
 * }</pre>
 */
public class TaskPanicException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the failure of a task that died of {@code error}.
   *
   * @param error the error the task died of
   */
  public TaskPanicException(Error error) {
    super("task died of " + error, error);
  }

  /** The error the task died of. */
  @Override
  public synchronized Error getCause() {
    return (Error) super.getCause();
  }
}
