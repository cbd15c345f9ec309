// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A unit of asynchronous work: a call that returns a {@link CompletionStage} which completes
 * when the work is done.
 *
 * <p>The call itself runs on a non-blocking worker of the executor and should return quickly;
 * the work it starts may take as long as it needs without holding a thread. A task that throws
 * synchronously is treated exactly like a task whose stage fails with that exception. A task
 * that returns {@code null} fails with a {@link NullPointerException}.
 *
 * <pre>{@code
 * CompletableFuture<String> page = executor.submit(() -> httpClient.sendAsync(request, ofString())
 *                                                                   .thenApply(HttpResponse::body));
 * }</pre>
 *
 * @param <T> the type of the result
 * @see AsyncExecutor#submit(AsyncTask)
 */
@FunctionalInterface
public interface AsyncTask<T extends @Nullable Object> {
  /**
   * Starts the work.
   *
   * @return a stage that completes with the result of the work
   * @throws Exception if the work cannot be started; the task then fails with this exception
   */
  CompletionStage<T> call() throws Exception;
}
