// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A scope of structured concurrency: the tasks forked into it are its children, and the scope is not
 * finished before every one of them is. A failure cancels the siblings as the scope's
 * {@linkplain ScopeOptions#policy() policy} says, cancelling the scope cancels every descendant, and
 * nothing forked into it outlives it.
 *
 * <p>Open one with {@link AsyncExecutor#openScope()} in a try-with-resources statement when the caller
 * may block, or use {@link AsyncExecutor#scoped(ScopedBody)} for the non-blocking form:
 *
 * <pre>{@code
 * try (TaskScope scope = executor.openScope(ScopeOptions.builder().deadline(Duration.ofSeconds(2)).build())) {
 *   CompletableFuture<User> user = scope.fork(() -> users.find(id));                 // async
 *   CompletableFuture<List<Order>> orders = scope.forkBlocking(() -> orderDao.list(id)); // blocking
 *   scope.join();                               // waits for both; throws if one failed or time ran out
 *   return new Page(user.join(), orders.join());
 * }                                             // close(): cancels what still runs, waits until it stopped
 * }</pre>
 *
 * <p><b>Children and nesting.</b> Children run on the scope's executor under its limits and their own
 * {@link TaskOptions} (lane, semaphore, retry, timeout). A scope opened, or a {@code scoped} call made,
 * while a child runs (in its {@code call()}, or on its blocking thread) is a child of this scope:
 * cancelling this scope cancels it too, to any depth. A child whose stage is a Kotlin coroutine (a
 * {@code future { }}, a suspend component) is cancelled with its stage, and the coroutine's structured
 * children with it.
 *
 * <p><b>Compared with {@code StructuredTaskScope}</b> (JDK 21+, preview): the same shape, fork then
 * join then close, with the policies of {@code ShutdownOnFailure} and {@code ShutdownOnSuccess} as
 * {@link WaitStrategy#FIRST_EXCEPTION} and {@link WaitStrategy#FIRST_SUCCESS}. A {@code TaskScope} is
 * not confined to the thread that opened it (children may fork siblings), its children are async or
 * blocking tasks with options rather than one thread each, forks return {@link CompletableFuture}s, and
 * {@code scoped} needs no thread to block at all.
 *
 * <p><b>Threads.</b> {@link #join()} blocks. From a blocking task of the same executor it lends that
 * task's worker slot to the work it waits for, so nested scopes never deadlock, whatever
 * {@code maxWorkers}; from an async task's thread it throws {@link NotSupportedException} (use
 * {@link AsyncExecutor#scoped(ScopedBody)} there).
 *
 * <p><b>Memory consistency effects:</b> actions of a child <i>happen-before</i> {@link #join()} returns
 * and before the future of a {@code scoped} call completes.
 *
 * <p>Implementations are thread-safe.
 */
public interface TaskScope extends AutoCloseable {
  /**
   * Forks an async child with default options.
   *
   * @param <T> the type of the child's value
   * @param task the child's work
   * @return the child's future; cancelling it cancels the child alone
   * @throws IllegalStateException     if the scope has completed, was cancelled or closed (the child is not started)
   * @throws ExecutorShutdownException if the executor is shut down
   * @throws NullPointerException      if {@code task} is null
   */
  <T extends @Nullable Object> CompletableFuture<T> fork(AsyncTask<T> task);

  /**
   * Forks an async child with the given options.
   *
   * @param <T> the type of the child's value
   * @param task the child's work
   * @param options the child's lane, semaphore, retry and timeout
   * @return the child's future; cancelling it cancels the child alone
   * @throws IllegalStateException     if the scope has completed, was cancelled or closed
   * @throws ExecutorShutdownException if the executor is shut down
   * @throws NullPointerException      if an argument is null
   * @throws IllegalArgumentException  if {@code options} names a lane the executor does not have
   */
  <T extends @Nullable Object> CompletableFuture<T> fork(AsyncTask<T> task, TaskOptions options);

  /**
   * Forks a blocking child with default options; it runs on a blocking worker and is interrupted when cancelled.
   *
   * @param <T> the type of the child's value
   * @param task the child's blocking work
   * @return the child's future; cancelling it interrupts the child alone
   * @throws IllegalStateException     if the scope has completed, was cancelled or closed
   * @throws ExecutorShutdownException if the executor is shut down
   * @throws NullPointerException      if {@code task} is null
   */
  <T extends @Nullable Object> CompletableFuture<T> forkBlocking(Callable<T> task);

  /**
   * Forks a blocking child with the given options.
   *
   * @param <T> the type of the child's value
   * @param task the child's blocking work
   * @param options the child's lane, semaphore, retry and timeout
   * @return the child's future; cancelling it interrupts the child alone
   * @throws IllegalStateException     if the scope has completed, was cancelled or closed
   * @throws ExecutorShutdownException if the executor is shut down
   * @throws NullPointerException      if an argument is null
   * @throws IllegalArgumentException  if {@code options} names a lane the executor does not have
   */
  <T extends @Nullable Object> CompletableFuture<T> forkBlocking(Callable<T> task, TaskOptions options);

  /**
   * Waits until every child forked so far has finished, then throws
   * {@link java.util.concurrent.CompletionException} with the scope's failure as the cause if it
   * failed: a child's own exception, a {@link java.util.concurrent.TimeoutException} when the deadline
   * passed, or a {@link java.util.concurrent.CancellationException} when the scope was cancelled.
   *
   * @throws InterruptedException  if the waiting thread is interrupted (the scope goes on)
   * @throws NotSupportedException if called on a thread that runs async tasks of the executor
   * @throws IllegalStateException if called from a child of this scope, which would wait for itself
   */
  void join() throws InterruptedException;

  /** Cancels every child not finished, and every scope nested in them; later forks are refused. Idempotent. */
  void cancel();

  /**
   * Whether the scope was cancelled: by {@link #cancel()}, its deadline, its policy, its parent or {@link #close()}.
   *
   * @return whether the scope was cancelled
   */
  boolean isCancelled();

  /**
   * Cancels the children that still run and returns when every child has really stopped (its slot and
   * permits are back). Later forks are refused. Idempotent; never throws for a child's failure.
   *
   * @throws IllegalStateException if called from a child of this scope, which would wait for itself
   */
  @Override
  void close();
}
