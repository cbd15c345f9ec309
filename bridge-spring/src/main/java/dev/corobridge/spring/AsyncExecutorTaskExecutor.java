// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spring;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.ExecutorShutdownException;
import dev.corobridge.OutOfResourcesException;
import java.lang.System.Logger.Level;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskRejectedException;
import org.jspecify.annotations.Nullable;

/**
 * An {@link AsyncExecutor} as Spring's {@link AsyncTaskExecutor}, for {@code @Async} methods,
 * {@code @EnableAsync}'s executor bean, or anything Spring hands a {@code TaskExecutor}: each task runs as a
 * blocking task of the executor ({@code submitBlocking}), under its {@code maxWorkers} and lifecycle, and
 * carrying the submitter's context (its intent scope among it). A task the executor refuses (shut down, or its
 * queue is full) is refused with {@link TaskRejectedException}, as Spring's own executors do. A failure of a task
 * given to {@link #execute} has nobody to report to and is logged ({@code System.Logger} {@code dev.corobridge.spring}).
 * The adapter does not own the executor: closing the executor is its owner's business.
 */
public final class AsyncExecutorTaskExecutor implements AsyncTaskExecutor {
  private static final System.Logger LOG = System.getLogger("dev.corobridge.spring");

  private final AsyncExecutor executor;

  /**
   * Adapts {@code executor}.
   *
   * @param executor the executor that runs the tasks
   */
  public AsyncExecutorTaskExecutor(AsyncExecutor executor) {
    if (executor == null) throw new NullPointerException("executor must not be null");
    this.executor = executor;
  }

  /**
   * The executor that runs the tasks.
   *
   * @return the executor
   */
  public AsyncExecutor executor() {
    return executor;
  }

  @Override
  public void execute(Runnable task) {
    submitCompletable(task).whenComplete((v, e) -> {
      if (e != null && !(e instanceof CancellationException)) {
        LOG.log(Level.ERROR, "a task given to execute() on " + executor + " failed", e instanceof CompletionException ? e.getCause() : e);
      }
    });
  }

  @Override
  public Future<?> submit(Runnable task) {
    return submitCompletable(task);
  }

  @Override
  public <T extends @Nullable Object> Future<T> submit(Callable<T> task) {
    return submitCompletable(task);
  }

  @Override
  public CompletableFuture<Void> submitCompletable(Runnable task) {
    if (task == null) throw new NullPointerException("task must not be null");
    return accepted(() -> executor.submitBlocking(() -> {
      task.run();
      return null;
    }));
  }

  @Override
  public <T extends @Nullable Object> CompletableFuture<T> submitCompletable(Callable<T> task) {
    if (task == null) throw new NullPointerException("task must not be null");
    return accepted(() -> executor.submitBlocking(task));
  }

  private <T> CompletableFuture<T> accepted(Supplier<CompletableFuture<T>> submit) {
    try {
      return submit.get();
    } catch (ExecutorShutdownException | OutOfResourcesException refused) {
      throw new TaskRejectedException(executor + " did not accept the task: " + refused.getMessage(), refused);
    }
  }

  @Override
  public String toString() {
    return "AsyncExecutorTaskExecutor[" + executor + "]";
  }
}
