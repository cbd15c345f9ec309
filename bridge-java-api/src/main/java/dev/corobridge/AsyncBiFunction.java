// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * An asynchronous function of two arguments, as used by
 * {@link AsyncExecutor#map(AsyncBiFunction, Iterable, Iterable)}, which zips two inputs.
 *
 * @param <A> the type of the first argument
 * @param <B> the type of the second argument
 * @param <R> the type of the result
 */
@FunctionalInterface
public interface AsyncBiFunction<A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object> {
  /**
   * Starts the work for one pair of arguments.
   *
   * @param a the first argument
   * @param b the second argument
   * @return a stage that completes with the result
   * @throws Exception if the work cannot be started
   */
  CompletionStage<R> apply(A a, B b) throws Exception;
}
