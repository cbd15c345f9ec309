// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import dev.corobridge.internal.Checks;
import dev.corobridge.internal.Providers;
import dev.corobridge.internal.scope.StructuredScope;
import dev.corobridge.spi.AsyncExecutorProvider;
import dev.corobridge.spi.ExecutorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * An executor for asynchronous and blocking tasks with a bounded number of tasks in flight, driven
 * from Java through {@link CompletableFuture}s and from Kotlin, on the very same object, through
 * suspend functions and flows ({@code dev.corobridge.coroutines}).
 *
 * <p>An async task ({@link AsyncTask}) returns a {@link CompletionStage}; while that stage is pending
 * the task holds a <em>worker slot</em> but no thread. A blocking task ({@link Callable}) holds a slot
 * and a thread of the executor's blocking pool. {@code maxWorkers} bounds the tasks in flight of both
 * kinds together; named <em>lanes</em> bound subsets of them further, and an {@link AsyncSemaphore}
 * can bound tasks across executors.
 *
 * <pre>{@code
 * try (AsyncExecutor executor = AsyncExecutor.builder().maxWorkers(32).lane("image", 4).build()) {
 *   CompletableFuture<String> page = executor.submit(() -> http.sendAsync(request, ofString()).thenApply(HttpResponse::body));
 *   CompletableFuture<byte[]> image = executor.submitBlocking(() -> Files.readAllBytes(path),
 *       TaskOptions.builder().lane("image").build());
 *   List<Integer> lengths = executor.map(url -> http.sendAsync(get(url), ofString()).thenApply(r -> r.body().length()), urls).join();
 * } // close(): no new work, waits for the accepted work to finish
 * }</pre>
 *
 * <p><b>Threads.</b> An async task's {@code call()} and a map function's {@code apply} run on a
 * non-blocking worker thread and must not block; blocking tasks run on a blocking worker thread and
 * are interrupted when cancelled. Returned futures complete on whichever thread finished the work
 * (a worker, or for a timeout a timer's thread that serves that one action), and the callbacks of
 * {@link CompletableFuture}'s non-async methods run there: they must not block, or they hold up that
 * thread's other work. For a callback that blocks, use an {@code …Async} method with an executor of your
 * own. A blocking callback never delays another executor's timeouts: each timed action runs apart from
 * the clock that times them, on a thread of its own. It does hold up the thread it runs on: on the coroutine
 * engine a thread of its dispatcher, and with it the async work and retry back-offs of every executor that
 * shares that dispatcher.
 *
 * <p><b>Cancellation.</b> {@code future.cancel(true)} (or any completion of a returned future from
 * outside) cancels the task: an async task's stage is cancelled, a blocking task's thread is
 * interrupted. The task's worker slot and permits are released only when it has really stopped.
 *
 * <p><b>Exceptions.</b> Futures fail with the task's own exception (a task that dies of an
 * {@link Error} fails with {@link TaskPanicException}, the error as its cause), so {@code join()} throws
 * {@link java.util.concurrent.CompletionException} and {@code get()}
 * {@link java.util.concurrent.ExecutionException} with it as the cause. Methods that accept work
 * throw {@link ExecutorShutdownException} once the executor is shut down, {@link NullPointerException}
 * for a null argument and {@link IllegalArgumentException} for an unknown lane.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread before submitting a task
 * <i>happen-before</i> the task starts, which in turn <i>happen-before</i> the result is retrieved
 * from its future.
 *
 * <p>Implementations are thread-safe.
 */
public interface AsyncExecutor extends AutoCloseable, Executor {

  /**
   * Creates a running executor with the given bound on tasks in flight, using the engine found on
   * the class path.
   *
   * @param maxWorkers the most tasks in flight at once, {@code >= 1}
   * <p>With {@code bridge-coroutines} on the class path this is the coroutine engine; with no engine
   * it is the zero-dependency {@linkplain dev.corobridge.runtime.FallbackRuntime fallback runtime}, which
   * runs at most {@value dev.corobridge.runtime.FallbackRuntime#MAX_WORKERS} tasks at once.
   *
   * @return a running executor
   * @throws IllegalArgumentException if {@code maxWorkers < 1}, or above the bound of the runtime found
   */
  static AsyncExecutor create(int maxWorkers) {
    return builder().maxWorkers(maxWorkers).build();
  }

  /**
   * Returns a builder for an executor: {@code maxWorkers} 64 (or the runtime's bound, if lower), no
   * lanes, failures of fire-and-forget work logged, blocking work on platform threads.
   *
   * @return a new builder
   */
  static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------------------------------- single tasks

  /**
   * Submits an async task with default options.
   *
   * @param <T> the type of the task's value
   * @param task the async work
   * @return a future that completes with the stage's outcome
   * @throws ExecutorShutdownException if the executor is shut down
   * @throws OutOfResourcesException   if the runtime is bounded and its queue is full
   * @throws NullPointerException      if {@code task} is null
   */
  <T extends @Nullable Object> CompletableFuture<T> submit(AsyncTask<T> task);

  /**
   * Submits an async task with the given lane, retry policy, timeout and semaphore.
   *
   * @param <T> the type of the task's value
   * @param task the async work
   * @param options the lane, retry, timeout and semaphore of the task
   * @return the task's future
   * @throws ExecutorShutdownException if the executor is shut down
   * @throws NullPointerException      if an argument is null
   * @throws IllegalArgumentException  if {@code options} names a lane this executor does not have
   */
  <T extends @Nullable Object> CompletableFuture<T> submit(AsyncTask<T> task, TaskOptions options);

  /**
   * Submits a blocking task with default options. It runs on a blocking worker thread, which is
   * interrupted if the future is cancelled.
   *
   * @param <T> the type of the task's value
   * @param task the blocking work
   * @return the task's future
   * @throws ExecutorShutdownException if the executor is shut down
   * @throws NullPointerException      if {@code task} is null
   */
  <T extends @Nullable Object> CompletableFuture<T> submitBlocking(Callable<T> task);

  /**
   * Submits a blocking task with the given options.
   *
   * @param <T> the type of the task's value
   * @param task the blocking work
   * @param options the lane, retry, timeout and semaphore of the task
   * @return the task's future
   * @throws ExecutorShutdownException if the executor is shut down
   * @throws NullPointerException      if an argument is null
   * @throws IllegalArgumentException  if {@code options} names a lane this executor does not have
   */
  <T extends @Nullable Object> CompletableFuture<T> submitBlocking(Callable<T> task, TaskOptions options);

  // ---------------------------------------------------------------------------------------- batches

  /**
   * Applies {@code fn} to every item, at most {@code maxWorkers} at once, and completes with the
   * results in input order ({@code []} for empty input). The first failure in time fails the returned
   * future with that exception and cancels the items still running or not yet started; cancelling the
   * returned future cancels them too.
   *
   * @param <A> the type of the items
   * @param <R> the type of the results
   * @param fn the async work for one item
   * @param items the input, read whole at the call
   * @return the future of the results, in input order
   * @throws ExecutorShutdownException if the executor is shut down
   * @throws NullPointerException      if an argument is null
   */
  <A extends @Nullable Object, R extends @Nullable Object> CompletableFuture<List<R>> map(AsyncFunction<? super A, ? extends R> fn, Iterable<? extends A> items);

  /**
   * Like {@link #map(AsyncFunction, Iterable)}, with task options for every item, a window of items in
   * flight and a timeout for the whole batch (which then fails with
   * {@link java.util.concurrent.TimeoutException}).
   *
   * @param <A> the type of the items
   * @param <R> the type of the results
   * @param fn the async work for one item
   * @param items the input, read whole at the call
   * @param options the items' task options, the window and the batch's timeout
   * @return the future of the results, in input order
   */
  <A extends @Nullable Object, R extends @Nullable Object> CompletableFuture<List<R>> map(AsyncFunction<? super A, ? extends R> fn, Iterable<? extends A> items, MapOptions options);

  /**
   * Applies {@code fn} to pairs taken from both inputs in step, stopping at the shorter, with the same
   * order and failure rules as {@link #map(AsyncFunction, Iterable)}.
   *
   * @param <A> the type of the first input's items
   * @param <B> the type of the second input's items
   * @param <R> the type of the results
   * @param fn the async work for one pair
   * @param first the first input
   * @param second the second input
   * @return the future of the results, in input order
   */
  <A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object> CompletableFuture<List<R>> map(AsyncBiFunction<? super A, ? super B, ? extends R> fn,
                                           Iterable<? extends A> first, Iterable<? extends B> second);

  /**
   * Like {@link #map(AsyncFunction, Iterable)} for a blocking function, which runs on blocking worker
   * threads and is interrupted when its item is cancelled.
   *
   * @param <A> the type of the items
   * @param <R> the type of the results
   * @param fn the blocking work for one item
   * @param items the input, read whole at the call
   * @return the future of the results, in input order
   */
  <A extends @Nullable Object, R extends @Nullable Object> CompletableFuture<List<R>> mapBlocking(BlockingFunction<? super A, ? extends R> fn, Iterable<? extends A> items);

  /**
   * Like {@link #mapBlocking(BlockingFunction, Iterable)} with options.
   *
   * @param <A> the type of the items
   * @param <R> the type of the results
   * @param fn the blocking work for one item
   * @param items the input, read whole at the call
   * @param options the items' task options, the window and the batch's timeout
   * @return the future of the results, in input order
   */
  <A extends @Nullable Object, R extends @Nullable Object> CompletableFuture<List<R>> mapBlocking(BlockingFunction<? super A, ? extends R> fn, Iterable<? extends A> items, MapOptions options);

  /**
   * Streams the results of {@code fn} over {@code items} in input order, as they become available.
   * Items are pulled lazily (an infinite {@code Iterable} is fine) and at most {@code maxWorkers}
   * are in flight or waiting to be consumed. The input's iterator is called only by the thread
   * consuming the stream, as it takes results, so it need not be thread-safe. Closing the stream, or a short-circuiting terminal
   * operation, cancels the items in flight and stops pulling. A failed item makes the stream throw
   * its exception (a checked one wrapped in {@link java.util.concurrent.CompletionException}) and
   * cancels the rest. Use the stream in try-with-resources unless it is consumed to the end. An open
   * stream is work in flight: a graceful shutdown lets it run to its end, {@code shutdown(..., true)} cuts
   * it short (its next call throws {@link java.util.concurrent.CancellationException}), and a stream nobody
   * can reach any more is closed once the garbage collector finds it.
   *
   * <pre>{@code
   * try (Stream<Row> rows = executor.mapIter(this::load, ids)) {
   *   rows.limit(100).forEach(this::show);
   * }
   * }</pre>
   *
   * @param <A> the type of the items
   * @param <R> the type of the results
   * @param fn the async work for one item
   * @param items the input, pulled lazily
   * @return the stream of the results, in input order; close it when done
   * @throws ExecutorShutdownException if the executor is shut down
   */
  <A extends @Nullable Object, R extends @Nullable Object> Stream<R> mapIter(AsyncFunction<? super A, ? extends R> fn, Iterable<? extends A> items);

  /**
   * Like {@link #mapIter(AsyncFunction, Iterable)} with options: {@code window} bounds the items in flight.
   *
   * @param <A> the type of the items
   * @param <R> the type of the results
   * @param fn the async work for one item
   * @param items the input, pulled lazily
   * @param options the items' task options, the window and the batch's timeout
   * @return the stream of the results, in input order; close it when done
   */
  <A extends @Nullable Object, R extends @Nullable Object> Stream<R> mapIter(AsyncFunction<? super A, ? extends R> fn, Iterable<? extends A> items, MapOptions options);

  // ---------------------------------------------------------------------------------------- waiting

  /**
   * Returns futures that complete in completion order: the <i>i</i>-th completes with the outcome
   * (value or exception) of the <i>i</i>-th input to complete. Does not block and never cancels the inputs.
   *
   * <pre>{@code
   * for (CompletableFuture<Page> next : executor.asCompleted(pages)) {
   *   show(next.join());   // fastest first
   * }
   * }</pre>
   *
   * @param <T> the type of the values
   * @param futures the stages to watch
   * @return as many futures as inputs, completing in the order the inputs complete
   * @throws NullPointerException if {@code futures} or one of them is null
   */
  <T extends @Nullable Object> List<CompletableFuture<T>> asCompleted(Collection<? extends CompletionStage<? extends T>> futures);

  /**
   * Completes with the futures that are done and those still pending once the strategy is met.
   * Never cancels the inputs; empty input completes at once with both sets empty.
   *
   * @param <T> the type of the values
   * @param futures the futures to wait for
   * @param strategy when the wait is over
   * @return the future of the partition into done and pending futures
   * @throws NullPointerException if an argument is null
   */
  <T extends @Nullable Object> CompletableFuture<WaitResult<T>> waitFor(Collection<? extends CompletableFuture<T>> futures, WaitStrategy strategy);

  /**
   * Like {@link #waitFor(Collection, WaitStrategy)}, but when {@code timeout} expires first it
   * completes (normally, never with an exception) with the partition at that moment.
   *
   * @param <T> the type of the values
   * @param futures the futures to wait for
   * @param strategy when the wait is over
   * @param timeout the longest the wait may take
   * @return the future of the partition into done and pending futures
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  <T extends @Nullable Object> CompletableFuture<WaitResult<T>> waitFor(Collection<? extends CompletableFuture<T>> futures, WaitStrategy strategy, Duration timeout);

  // ---------------------------------------------------------------------------------------- bridging

  /**
   * Runs the task under this executor's limits and blocks the calling thread until it completes.
   * An unchecked failure is rethrown as is, a checked one wrapped in
   * {@link java.util.concurrent.CompletionException}; if the calling thread is interrupted the task is
   * cancelled and {@link java.util.concurrent.CancellationException} is thrown with the interrupt
   * status kept.
   *
   * <p>From a blocking task (of this executor or another) it runs safely, to any depth: the calling
   * task lends its worker slot to the work it waits for and takes it back afterwards. From a thread
   * that runs async work it throws {@link NotSupportedException} (an {@link IllegalStateException}),
   * because blocking that thread could stall every task that shares it: an async task's {@code call()},
   * a Kotlin coroutine on an executor, any {@code Dispatchers.Default} thread, and the thread that
   * drives a {@link dev.corobridge.runtime.ManualExecutor}. Compose the future from {@link #submit} or
   * {@link #scoped(ScopedBody)} instead.
   *
   * @param <T> the type of the task's value
   * @param task the async work
   * @return the task's value
   * @throws ExecutorShutdownException if the executor is shut down
   * @throws NotSupportedException     if called where blocking could deadlock the executor
   */
  <T extends @Nullable Object> T runBlocking(AsyncTask<T> task);

  /**
   * Starts fire-and-forget work: like {@link #submit(AsyncTask)}, and a failure (other than
   * cancellation) is also handed to the {@code onUncaughtError} handler, never silently lost.
   *
   * @param <T> the type of the task's value
   * @param task the async work
   * @return the task's future
   */
  <T extends @Nullable Object> CompletableFuture<T> spawn(AsyncTask<T> task);

  /**
   * Like {@link #spawn(AsyncTask)} on the named lane.
   *
   * @param <T> the type of the task's value
   * @param lane the lane it runs under
   * @param task the async work
   * @return the task's future
   * @throws IllegalArgumentException if the executor has no such lane
   */
  <T extends @Nullable Object> CompletableFuture<T> spawn(String lane, AsyncTask<T> task);

  /**
   * Runs {@code fn} on a blocking-capable worker (never on the caller's thread); if it returns a
   * {@link CompletionStage}, the returned future follows that stage, else it completes with the value.
   *
   * @param <T> the type of the value
   * @param fn blocking work, or work that returns the stage to follow
   * @return the future of its value, or of the value of the stage it returned
   * @throws ExecutorShutdownException if the executor is shut down
   */
  <T extends @Nullable Object> CompletableFuture<T> callAppropriately(Callable<?> fn);

  /**
   * Runs the command at once on a worker that may block, as fire-and-forget work; a failure goes to the
   * {@code onUncaughtError} handler.
   *
   * <p>This is the {@link Executor} face of the executor, for libraries that take an {@code Executor}
   * to run their callbacks ({@code HttpClient.Builder.executor}, a database driver, a
   * {@code CompletableFuture}'s {@code …Async} methods). Such callbacks are what tasks in flight are
   * often waiting for, so commands are <em>not</em> held back by {@code maxWorkers} or lanes: holding
   * them behind the tasks that wait for them would deadlock. They are counted in {@link #stats()}, and
   * shutdown waits for them like any accepted work. For bounded blocking work, use
   * {@link #submitBlocking(Callable)}.
   *
   * @throws ExecutorShutdownException if the executor is shut down
   */
  @Override
  void execute(Runnable command);

  // ---------------------------------------------------------------------------------------- scopes

  /**
   * Runs {@code body} in a new {@linkplain TaskScope scope} with the default options (policy
   * {@link WaitStrategy#FIRST_EXCEPTION}, no deadline): see {@link #scoped(ScopeOptions, ScopedBody)}.
   *
   * @param <R> the type of the scope's value
   * @param body forks the children and returns the stage of the value
   * @return the scope's future
   * @throws ExecutorShutdownException if the executor is shut down
   * @throws NullPointerException      if {@code body} is null
   */
  default <R extends @Nullable Object> CompletableFuture<R> scoped(ScopedBody<R> body) {
    return scoped(ScopeOptions.defaults(), body);
  }

  /**
   * Runs {@code body} on the calling thread in a new {@linkplain TaskScope scope}, without blocking.
   * The body forks children and returns a stage; the returned future completes only after that stage
   * <em>and</em> every child have finished: with the stage's value, or failed as the policy says (a
   * failure of the body counts as a child's). Cancelling the returned future cancels the scope and
   * every descendant; a deadline that passes cancels every child and fails the scope with
   * {@link java.util.concurrent.TimeoutException}.
   *
   * <pre>{@code
   * CompletableFuture<List<Page>> pages = executor.scoped(
   *     ScopeOptions.builder().deadline(Duration.ofSeconds(2)).build(),
   *     scope -> {
   *       List<CompletableFuture<Page>> forks = urls.stream().map(u -> scope.fork(() -> fetch(u))).toList();
   *       return CompletableFuture.allOf(forks.toArray(CompletableFuture[]::new))
   *           .thenApply(done -> forks.stream().map(CompletableFuture::join).toList());
   *     });
   * }</pre>
   *
   * <p>Called while a child of another scope runs, the new scope is a child of that one.
   *
   * @param <R> the type of the scope's value
   * @param options the policy, deadline and name of the scope
   * @param body forks the children and returns the stage of the value
   * @return the scope's future
   * @throws ExecutorShutdownException if the executor is shut down
   * @throws NullPointerException      if an argument is null
   */
  default <R extends @Nullable Object> CompletableFuture<R> scoped(ScopeOptions options, ScopedBody<R> body) {
    return StructuredScope.scoped(this, options, body);
  }

  /**
   * Opens a {@linkplain TaskScope scope} with the default options, to use in a try-with-resources
   * statement: see {@link TaskScope}.
   *
   * @return the open scope; close it in a try-with-resources
   * @throws ExecutorShutdownException if the executor is shut down
   */
  default TaskScope openScope() {
    return openScope(ScopeOptions.defaults());
  }

  /**
   * Opens a {@linkplain TaskScope scope} with the given options, to use in a try-with-resources
   * statement: fork, {@link TaskScope#join() join}, close. Opened while a child of another scope runs,
   * it is a child of that one.
   *
   * @param options the policy, deadline and name of the scope
   * @return the open scope; close it in a try-with-resources
   * @throws ExecutorShutdownException if the executor is shut down
   * @throws NullPointerException      if {@code options} is null
   */
  default TaskScope openScope(ScopeOptions options) {
    return StructuredScope.open(this, options);
  }

  // ---------------------------------------------------------------------------------------- lifecycle

  /**
   * Stops accepting work. Idempotent. Started tasks finish; with {@code cancelFutures}, tasks that
   * have not started are cancelled (their futures report {@code isCancelled()}) and open {@code mapIter}
   * streams are cut short; with {@code wait}, blocks until every accepted task has finished. A thread
   * interrupted while it waits cancels what has not started, as {@code cancelFutures} does, waits on for
   * the work that runs, and returns with its interrupt status set.
   *
   * @param wait whether to block until every accepted task has finished
   * @param cancelFutures whether to cancel the tasks that have not started
   * @throws IllegalStateException if {@code wait} is set and the caller is a task of this executor,
   *                               which would wait for itself
   */
  void shutdown(boolean wait, boolean cancelFutures);

  /**
   * Shuts the executor down and stops all its work, in the manner of
   * {@link java.util.concurrent.ExecutorService#shutdownNow}: no new work is accepted, the tasks that have
   * not started are cancelled, open {@code mapIter} streams are cut short, and the tasks that run are
   * cancelled too (their futures report {@code isCancelled()}; a blocking call is interrupted, a stage
   * cancelled, a coroutine cancelled). Does not wait: a task that ignores the interrupt keeps its worker
   * slot and permits until it returns, and {@link #termination()} completes once nothing runs any more.
   *
   * <p>Returns the futures of the tasks submitted through this interface ({@code submit},
   * {@code submitBlocking}, {@code spawn}, {@code callAppropriately}) that had not started, each already
   * cancelled, so a caller can tell which of its tasks never ran. Items of a batch and tasks of the Kotlin
   * API are cancelled but not listed (their batch, {@code Deferred} or {@code Job} reports it). A task
   * taken up by a worker at the very moment of the call may be cancelled without being listed.
   *
   * <p>The default implementation, for runtimes written before this method, does only what
   * {@code shutdown(false, true)} does and returns an empty list; every runtime of this library overrides it.
   *
   * @return the futures of the tasks that never started, each cancelled; empty if there were none, or if
   *         the executor had already been stopped
   */
  default List<CompletableFuture<?>> shutdownNow() {
    shutdown(false, true);
    return List.of();
  }

  /**
   * A future that completes once the executor is shut down and every accepted task has finished.
   *
   * @return a future that completes when the executor has terminated
   */
  CompletableFuture<Void> termination();

  /**
   * Blocks until the executor has terminated (it was shut down and every accepted task has finished), the
   * timeout passes, or the calling thread is interrupted, whichever comes first, in the manner of
   * {@link java.util.concurrent.ExecutorService#awaitTermination}. Does not shut the executor down.
   *
   * @param timeout the longest to wait; zero checks without waiting, and a duration too large to count
   *                in nanoseconds (about 292 years) waits without limit
   * @return {@code true} if the executor terminated, {@code false} if the timeout passed first
   * @throws InterruptedException     if the calling thread is interrupted while waiting
   * @throws NullPointerException     if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  default boolean awaitTermination(Duration timeout) throws InterruptedException {
    Checks.nonNegative(timeout, "timeout");
    CompletableFuture<Void> terminated = termination();
    try {
      if (Checks.isUnlimited(timeout)) {
        terminated.get();
      } else {
        terminated.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      }
      return true;
    } catch (TimeoutException stillRunning) {
      return false;
    } catch (ExecutionException cannotHappen) {
      return isTerminated(); // termination() never fails
    }
  }

  /**
   * Whether the executor still accepts work.
   *
   * @return whether the executor accepts work
   */
  boolean isRunning();

  /**
   * Whether the executor is shut down and every accepted task has finished.
   *
   * @return whether the executor has terminated
   */
  boolean isTerminated();

  /**
   * Returns a snapshot of the executor's counters.
   *
   * @return a snapshot of the counters
   */
  ExecutorStats stats();

  /**
   * Returns a snapshot of each lane the builder declared, in declaration order: how many of its permits are
   * held and how many tasks wait for one. For a shared {@link AsyncSemaphore}, ask the semaphore
   * ({@link AsyncSemaphore#availablePermits()}, {@link AsyncSemaphore#queueLength()}).
   *
   * <p>The default implementation, for runtimes written before this method, returns an empty list; every
   * runtime of Corobridge returns its lanes.
   *
   * @return the lanes' snapshots, unmodifiable
   */
  default List<LaneStats> laneStats() {
    return List.of();
  }

  /**
   * The executor's name: the one {@link Builder#name} gave, else one made up at build
   * ({@code corobridge-<n>}). Its threads, messages, status line, task events and metrics carry it.
   *
   * <p>The default implementation, for runtimes written before this method, returns the class's simple name
   * and the object's identity hash; every runtime of Corobridge returns the configured name.
   *
   * @return the executor's name
   */
  default String name() {
    return getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(this));
  }

  /**
   * Same as {@code shutdown(true, false)}: no new work, then waits for the accepted work to finish.
   * Interrupting the waiting thread cancels what has not started (see {@link #shutdown}).
   */
  @Override
  void close();

  /**
   * Configures and builds an {@link AsyncExecutor}. Not thread-safe.
   *
   * <pre>{@code
   * AsyncExecutor executor = AsyncExecutor.builder()
   *     .name("crawler")
   *     .maxWorkers(64)
   *     .lane("gallery", 4)
   *     .lane("image", 8)
   *     .onUncaughtError(e -> log.warn("background task failed", e))
   *     .build();
   * }</pre>
   */
  final class Builder {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final Consumer<Throwable> LOG_UNCAUGHT = error ->
        System.getLogger("dev.corobridge").log(System.Logger.Level.ERROR, "Uncaught failure in fire-and-forget task", error);

    private static final int DEFAULT_MAX_WORKERS = 64;

    private int maxWorkers;
    private String name;
    private boolean preferVirtualThreads;
    private Duration stallThreshold;
    private int queueCapacity;
    private final Map<String, Integer> lanes = new LinkedHashMap<>();
    private Consumer<Throwable> onUncaughtError = LOG_UNCAUGHT;
    private final List<ExecutorListener> listeners = new ArrayList<>();

    Builder() {}

    /**
     * Sets the most tasks in flight at once (default 64, or the runtime's bound if lower: 32 on the fallback).
     *
     * @param maxWorkers the most tasks in flight at once, {@code >= 1}
     * @return this builder
     * @throws IllegalArgumentException if {@code maxWorkers < 1}
     */
    public Builder maxWorkers(int maxWorkers) {
      this.maxWorkers = Checks.atLeast(maxWorkers, 1, "maxWorkers");
      return this;
    }

    /**
     * Declares a lane: a named limit on how many tasks that run under it are in flight at once
     * (they count against {@code maxWorkers} too).
     *
     * @param name the lane's name
     * @param maxConcurrency the most tasks of the lane in flight at once, {@code >= 1}
     * @return this builder
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if {@code maxConcurrency < 1} or the lane was already declared
     */
    public Builder lane(String name, int maxConcurrency) {
      Checks.notNull(name, "name");
      Checks.atLeast(maxConcurrency, 1, "maxConcurrency");
      if (lanes.putIfAbsent(name, maxConcurrency) != null) {
        throw new IllegalArgumentException("lane \"" + name + "\" is already declared");
      }
      return this;
    }

    /**
     * Runs blocking work ({@code submitBlocking}, {@code mapBlocking}, {@code callAppropriately},
     * {@code execute}) on virtual threads where the JDK has them (21 and later, found at run time); on
     * JDK 17 it keeps running on the executor's platform threads. Virtual threads suit many blocking
     * calls that mostly wait (sleeps, sockets); code that pins its carrier (long {@code synchronized}
     * sections on JDKs before 24, native calls) is better left on platform threads.
     *
     * @param preferVirtualThreads whether blocking work runs on virtual threads where the JDK has them
     * @return this builder
     */
    public Builder preferVirtualThreads(boolean preferVirtualThreads) {
      this.preferVirtualThreads = preferVirtualThreads;
      return this;
    }

    /**
     * Turns on the stall watchdog with the default threshold of 100 ms: see {@link #detectStalls(Duration)}.
     *
     * @return this builder
     */
    public Builder detectStalls() {
      return detectStalls(Duration.ofMillis(100));
    }

    /**
     * Turns on the stall watchdog: a task that keeps a non-blocking worker thread busy for longer than
     * {@code threshold} without yielding (an async task's {@code call()} that blocks or computes for
     * long, a Kotlin coroutine that does not suspend) is reported once to the {@code onUncaughtError}
     * handler as a {@link StalledTaskException} carrying the task's name and the thread's stack. Off by
     * default; blocking tasks are never reported.
     *
     * @param threshold how long a task may hold a worker thread before it is reported
     * @return this builder
     * @throws IllegalArgumentException if {@code threshold} is zero or negative
     */
    public Builder detectStalls(Duration threshold) {
      this.stallThreshold = Checks.positive(threshold, "threshold");
      return this;
    }

    /**
     * Bounds the tasks accepted and waiting to start (for a worker slot, a lane or a semaphore permit) at
     * once: a {@code submit}, {@code submitBlocking}, {@code spawn} or {@code callAppropriately} that finds
     * {@code capacity} tasks waiting is refused at the call with {@link OutOfResourcesException} and
     * accepts nothing, as a bounded {@link java.util.concurrent.ThreadPoolExecutor} queue does. Items of a
     * {@code map} or {@code mapIter} are never refused (their batch's window bounds them). Default: no
     * bound on the coroutine engine; the fallback's own capacity (1024) there.
     *
     * @param capacity the most tasks waiting to start, {@code >= 1}
     * @return this builder
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public Builder queueCapacity(int capacity) {
      this.queueCapacity = Checks.atLeast(capacity, 1, "queueCapacity");
      return this;
    }

    /**
     * Names the executor for thread names and diagnostics.
     *
     * @param name the executor's name, used in thread names and messages
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     */
    public Builder name(String name) {
      this.name = Checks.notNull(name, "name");
      return this;
    }

    /**
     * Sets who receives failures of fire-and-forget work ({@code spawn}, {@code execute}); by default
     * they are logged through {@link System.Logger} {@code dev.corobridge}. The handler runs on the
     * thread that finished the task and should not block; what it throws is logged.
     *
     * @param handler receives the failures nobody waits for
     * @return this builder
     * @throws NullPointerException if {@code handler} is null
     */
    public Builder onUncaughtError(Consumer<Throwable> handler) {
      this.onUncaughtError = Checks.notNull(handler, "handler");
      return this;
    }

    /**
     * Adds a listener told what happens to each task (queued, started, retried, and how it ended), after the
     * listeners added before; see {@link ExecutorListener}. None by default, and then the executor does none
     * of that work.
     *
     * @param listener told of each task's events
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(ExecutorListener listener) {
      listeners.add(Checks.notNull(listener, "listener"));
      return this;
    }

    /**
     * Returns the settings collected so far, for an {@link dev.corobridge.spi.AsyncExecutorProvider}.
     *
     * @return the configuration built so far
     */
    public ExecutorConfig toConfig() {
      return config(DEFAULT_MAX_WORKERS);
    }

    private ExecutorConfig config(int defaultMaxWorkers) {
      String n = name != null ? name : "corobridge-" + COUNTER.incrementAndGet();
      ExecutorConfig config = new ExecutorConfig(maxWorkers > 0 ? maxWorkers : defaultMaxWorkers, n, lanes, onUncaughtError, preferVirtualThreads)
          .withStallThreshold(stallThreshold);
      if (queueCapacity > 0) config = config.withQueueCapacity(queueCapacity);
      for (ExecutorListener listener : listeners) config = config.withListener(listener);
      return config;
    }

    /**
     * Builds a running executor with the engine found on the class path, else the
     * {@linkplain dev.corobridge.runtime.FallbackRuntime fallback runtime}.
     *
     * @return a running executor
     * @throws IllegalArgumentException if {@code maxWorkers} is above the bound of the runtime found
     */
    public AsyncExecutor build() {
      AsyncExecutorProvider provider = Providers.get();
      return provider.create(config(Math.min(DEFAULT_MAX_WORKERS, provider.maxWorkersLimit())));
    }
  }
}
