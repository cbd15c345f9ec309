// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import dev.corobridge.AsyncExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A job engine's pool for executions, made of an {@link AsyncExecutor}'s blocking tasks
 * ({@link IntentExecutors#executionPool}): each execution the engine starts is one blocking task of the executor,
 * under its {@code maxWorkers}, so a handler runs on the thread its execution already has instead of being handed to
 * the executor and waited for (two thread hand-offs per intent). Shutting this service down stops taking executions
 * and waits for those it started; it never shuts the {@code AsyncExecutor} down, which belongs to the application.
 * Thread-safe.
 */
final class ExecutionPool extends AbstractExecutorService {
  private final AsyncExecutor executor;
  private final Set<CompletableFuture<?>> running = ConcurrentHashMap.newKeySet();
  private volatile boolean shutdown;

  ExecutionPool(AsyncExecutor executor) {
    this.executor = executor;
  }

  @Override
  public void execute(Runnable execution) {
    if (shutdown) throw new RejectedExecutionException("the pool is shut down and takes no new executions");
    CompletableFuture<Void> task;
    try {
      task = executor.submitBlocking(() -> {
        execution.run();
        return null;
      });
    } catch (RuntimeException refused) { // shut down, or its queue is full: refused as an ExecutorService refuses
      throw new RejectedExecutionException(executor + " refused an execution: " + refused.getMessage(), refused);
    }
    running.add(task); // before the callback is registered, so a task done at once is removed again
    task.whenComplete((v, e) -> {
      running.remove(task);
      synchronized (this) {
        notifyAll();
      }
    });
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  /** Stops taking executions and interrupts those running; none waits to start here (the executor queues them). */
  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    for (CompletableFuture<?> task : running) task.cancel(true);
    return new ArrayList<>();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && running.isEmpty();
  }

  @Override
  public synchronized boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (!isTerminated()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
