// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * An asynchronous function of one argument, as used by {@link AsyncExecutor#map(AsyncFunction, Iterable)}
 * and {@link AsyncExecutor#mapIter(AsyncFunction, Iterable)}.
 *
 * <p>A function that throws synchronously is treated exactly like one whose stage fails with that
 * exception.
 *
 * @param <A> the type of the argument
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface AsyncFunction<A extends @Nullable Object, R extends @Nullable Object> {
  /**
   * Starts the work for one argument.
   *
   * @param arg the argument
   * @return a stage that completes with the result
   * @throws Exception if the work cannot be started
   */
  CompletionStage<R> apply(A arg) throws Exception;
}
