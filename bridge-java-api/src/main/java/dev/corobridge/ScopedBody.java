// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The body of a {@linkplain AsyncExecutor#scoped(ScopedBody) scoped} call: it runs on the calling
 * thread, forks children into the scope it is given and returns a stage for the scope's value, typically
 * composed from the children's futures.
 *
 * <pre>{@code
 * CompletableFuture<Integer> total = executor.scoped(scope -> {
 *   CompletableFuture<Integer> a = scope.fork(() -> countAsync("a"));
 *   CompletableFuture<Integer> b = scope.fork(() -> countAsync("b"));
 *   return a.thenCombine(b, Integer::sum);
 * });
 * }</pre>
 *
 * @param <R> the type of the scope's value
 */
@FunctionalInterface
public interface ScopedBody<R extends @Nullable Object> {
  /**
   * Forks the scope's children and returns the stage of its value.
   *
   * @param scope the scope the children belong to
   * @return the stage whose value the scope completes with once every child has finished
   * @throws Exception a failure, which counts as the failure of a child
   */
  CompletionStage<R> run(TaskScope scope) throws Exception;
}
