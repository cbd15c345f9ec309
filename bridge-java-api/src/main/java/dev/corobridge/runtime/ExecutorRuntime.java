// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.runtime;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.OutOfResourcesException;
import dev.corobridge.internal.Checks;
import dev.corobridge.internal.threaded.ThreadedRuntimes;
import dev.corobridge.spi.AsyncExecutorProvider;
import dev.corobridge.spi.ExecutorConfig;
import java.util.concurrent.Executor;

/**
 * A runtime over a caller's own {@link Executor} or {@link java.util.concurrent.ExecutorService}:
 * executors it creates run every task body (async tasks' {@code call()}, blocking tasks, map
 * functions) on that executor, with all of the {@link AsyncExecutor} contract (limits, lanes, retries,
 * timeouts, shutdown) on top. Timeouts and retry back-off are timed by the shared daemon thread
 * {@code corobridge-timer}, which runs each timed action on a daemon thread of its own
 * ({@code corobridge-timer-action}), so a blocking callback never delays another executor's timers.
 *
 * <p>The caller keeps owning the executor: shutting an {@code AsyncExecutor} down never shuts it down.
 * Blocking tasks occupy its threads, so give it at least {@code maxWorkers} of them (or use a
 * virtual-thread-per-task executor). A task the executor refuses fails its future with
 * {@link OutOfResourcesException}, with the executor's exception as the cause; so does a task an
 * {@link java.util.concurrent.ExecutorService} dropped when it was shut down with {@code shutdownNow()},
 * once {@code close()} finds the pool terminated, so that {@code close()} returns.
 *
 * <pre>{@code
 * ExecutorService pool = Executors.newFixedThreadPool(16);
 * AsyncExecutor executor = new ExecutorRuntime(pool).create(AsyncExecutor.builder().maxWorkers(16).toConfig());
 * }</pre>
 */
public final class ExecutorRuntime implements AsyncExecutorProvider {
  private final Executor executor;

  /**
   * A runtime that runs work on {@code executor}.
   *
   * @param executor the executor that runs the work; it is not shut down by Corobridge
   * @throws NullPointerException if {@code executor} is null
   */
  public ExecutorRuntime(Executor executor) {
    this.executor = Checks.notNull(executor, "executor");
  }

  @Override
  public AsyncExecutor create(ExecutorConfig config) {
    return ThreadedRuntimes.onExecutor(Checks.notNull(config, "config"), executor);
  }

  @Override
  public String toString() {
    return "ExecutorRuntime[" + executor + "]";
  }
}
