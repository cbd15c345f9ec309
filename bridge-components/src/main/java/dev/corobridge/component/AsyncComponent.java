// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.spi.ExecutorRegistry;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A step of a pipeline (a feature generator, an enricher, a scorer), async first: what runners see.
 * Implement it directly for naturally async work (network calls, models behind an API); extend
 * {@link SyncComponent} for blocking work; Kotlin code implements {@code SuspendComponent}.
 *
 * <p>Runners call {@link #applyOn(AsyncExecutor, Object)}, so that each kind of component runs where
 * it should under the runner's executor and its limits: an async component's {@code apply} as an
 * async task, a sync component's {@code applySync} on a blocking worker, a suspend component as a
 * coroutine.
 *
 * @param <I> the input
 * @param <O> the output
 */
@FunctionalInterface
public interface AsyncComponent<I extends @Nullable Object, O extends @Nullable Object> {
  /**
   * Starts the work for {@code input}; the stage completes with the output. Must not block.
   *
   * @param input the input
   * @return the stage of the output
   * @throws Exception a failure, as if the stage failed with it
   */
  CompletionStage<O> apply(I input) throws Exception;

  /**
   * Runs the component for {@code input} under {@code executor}: by default as an async task of it.
   * Cancelling the returned future cancels the work.
   *
   * @param executor the executor to run on
   * @param input the input
   * @return the future of the output
   */
  default java.util.concurrent.CompletableFuture<O> applyOn(AsyncExecutor executor, I input) {
    return executor.submit(() -> apply(input));
  }

  /**
   * A name for reports and logs: the class's simple name unless overridden.
   *
   * @return the name
   */
  default String name() {
    String simple = getClass().getSimpleName();
    return simple.isEmpty() || simple.contains("$$Lambda") ? getClass().getName() : simple;
  }

  /**
   * The executor components use when no runner gives them one: {@link ExecutorRegistry#current()}.
   *
   * @return the process-wide executor
   */
  static AsyncExecutor defaultExecutor() {
    return ExecutorRegistry.current();
  }
}
