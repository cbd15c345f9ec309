// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import org.jspecify.annotations.Nullable;

/**
 * A function of one argument that may block the thread running it, as used by
 * {@link AsyncExecutor#mapBlocking(BlockingFunction, Iterable)}. It runs on a blocking-capable
 * worker thread and is interrupted when its item is cancelled.
 *
 * @param <A> the type of the argument
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface BlockingFunction<A extends @Nullable Object, R extends @Nullable Object> {
  /**
   * Computes the result for one argument, blocking if needed.
   *
   * @param arg the argument
   * @return the result
   * @throws Exception if the computation fails
   */
  R apply(A arg) throws Exception;
}
