// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spi;

import dev.corobridge.AsyncExecutor;

/**
 * A runtime that can create {@link AsyncExecutor}s. {@link AsyncExecutor#create(int)} and
 * {@link AsyncExecutor.Builder#build()} find providers with {@link java.util.ServiceLoader}
 * (a {@code META-INF/services/dev.corobridge.spi.AsyncExecutorProvider} entry) and use the one with
 * the highest {@link #priority()}.
 */
public interface AsyncExecutorProvider {
  /**
   * Creates a running executor with the given configuration.
   *
   * @param config the validated settings
   * @return a new executor, already accepting work
   * @throws IllegalArgumentException if the configuration asks for more than this runtime offers
   */
  AsyncExecutor create(ExecutorConfig config);

  /**
   * The most {@code maxWorkers} this runtime accepts; {@link #create} refuses more with an
   * {@link IllegalArgumentException} naming this bound. Unbounded by default.
   *
   * @return the largest {@code maxWorkers} the runtime supports
   */
  default int maxWorkersLimit() {
    return Integer.MAX_VALUE;
  }

  /**
   * Higher wins when several providers are on the class path. The coroutine engine uses 100.
   *
   * @return the priority; the highest registered provider is used
   */
  default int priority() {
    return 0;
  }
}
