// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.runtime;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.OutOfResourcesException;
import dev.corobridge.internal.Checks;
import dev.corobridge.internal.threaded.ThreadedRuntimes;
import dev.corobridge.spi.AsyncExecutorProvider;
import dev.corobridge.spi.ExecutorConfig;

/**
 * The zero-dependency runtime: a complete {@link AsyncExecutor} in plain Java, used by
 * {@link AsyncExecutor#create} and {@link AsyncExecutor.Builder#build()} when no engine is on the class
 * path, and by {@link dev.corobridge.spi.ExecutorRegistry#current()} until an executor is registered.
 *
 * <p>It is bounded on purpose. At most {@value #MAX_WORKERS} tasks are in flight at once (asking for
 * more workers fails at creation with a message naming the bound); a task finishing frees its place at
 * once. Behind the workers is a queue of tasks waiting to start, {@value #DEFAULT_QUEUE_CAPACITY} by
 * default; a task submitted when it is full is refused at the call with
 * {@link OutOfResourcesException}. Items of a {@code map} or {@code mapIter} are bounded by the
 * batch's window instead. Each executor runs its work on daemon threads of its own, one per running
 * task (up to {@code maxWorkers}, plus one for each blocking task that lends its slot while it waits in a
 * scope's {@code join} or a {@code runBlocking}), started when needed and ended at termination; timeouts and retry back-off are timed by one
 * shared daemon thread, {@code corobridge-timer}, which runs each timed action on a daemon thread of its own
 * ({@code corobridge-timer-action}), so a blocking callback never delays another executor's timers. A task that dies of an {@link Error} fails its future
 * with {@link dev.corobridge.TaskPanicException}; the runtime carries on.
 *
 * <pre>{@code
 * AsyncExecutorProvider runtime = new FallbackRuntime(100);  // a queue of 100
 * try (AsyncExecutor executor = runtime.create(AsyncExecutor.builder().maxWorkers(8).toConfig())) {
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class FallbackRuntime implements AsyncExecutorProvider {
  /** The most tasks a fallback executor runs at once. */
  public static final int MAX_WORKERS = 32;
  /** How many tasks may wait for a worker unless another capacity is given. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1024;

  private final int queueCapacity;

  /** A fallback runtime whose executors queue up to {@value #DEFAULT_QUEUE_CAPACITY} tasks. */
  public FallbackRuntime() {
    this(DEFAULT_QUEUE_CAPACITY);
  }

  /**
   * A fallback runtime whose executors queue up to {@code queueCapacity} tasks waiting for a worker.
   *
   * @param queueCapacity how many tasks may wait for a worker, {@code >= 1}
   * @throws IllegalArgumentException if {@code queueCapacity < 1}
   */
  public FallbackRuntime(int queueCapacity) {
    this.queueCapacity = Checks.atLeast(queueCapacity, 1, "queueCapacity");
  }

  /**
   * How many tasks each executor of this runtime lets wait for a worker.
   *
   * @return how many tasks may wait for a worker
   */
  public int queueCapacity() {
    return queueCapacity;
  }

  /**
   * Creates a running fallback executor.
   *
   * @throws IllegalArgumentException if {@code config.maxWorkers()} is above {@value #MAX_WORKERS}
   */
  @Override
  public AsyncExecutor create(ExecutorConfig config) {
    Checks.notNull(config, "config");
    if (config.maxWorkers() > MAX_WORKERS) {
      throw new IllegalArgumentException("maxWorkers must be <= " + MAX_WORKERS + " on the fallback runtime, was "
          + config.maxWorkers() + "; add dev.corobridge:bridge-coroutines for more");
    }
    return ThreadedRuntimes.onOwnThreads(config, queueCapacity, "fallback");
  }

  @Override
  public int maxWorkersLimit() {
    return MAX_WORKERS;
  }

  /** The lowest: any engine on the class path wins over the fallback. */
  @Override
  public int priority() {
    return Integer.MIN_VALUE;
  }

  @Override
  public String toString() {
    return "FallbackRuntime[maxWorkers<=" + MAX_WORKERS + ", queueCapacity=" + queueCapacity + "]";
  }
}
