// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.runtime;

import dev.corobridge.AsyncBiFunction;
import dev.corobridge.AsyncExecutor;
import dev.corobridge.AsyncFunction;
import dev.corobridge.AsyncTask;
import dev.corobridge.BlockingFunction;
import dev.corobridge.ExecutorStats;
import dev.corobridge.LaneStats;
import dev.corobridge.MapOptions;
import dev.corobridge.ScopeOptions;
import dev.corobridge.ScopedBody;
import dev.corobridge.TaskOptions;
import dev.corobridge.TaskScope;
import dev.corobridge.WaitResult;
import dev.corobridge.WaitStrategy;
import dev.corobridge.internal.Checks;
import dev.corobridge.internal.threaded.ManualLoop;
import dev.corobridge.internal.threaded.ThreadedExecutor;
import dev.corobridge.internal.threaded.ThreadedRuntimes;
import dev.corobridge.spi.ExecutorConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A cooperative {@link AsyncExecutor} for tests: nothing runs until the test drives it, on the test's
 * own thread, and time is virtual. Retries with back-off, timeouts and {@code waitFor} deadlines are
 * timed by the virtual clock, so a test of an hour of back-off runs in microseconds and the same way
 * every time.
 *
 * <pre>{@code
 * ManualExecutor executor = ManualExecutor.create(4);
 * CompletableFuture<String> page = executor.submit(flakyFetch,
 *     TaskOptions.builder().retry(RetryPolicy.exponential(3, Duration.ofSeconds(1))).build());
 * executor.runUntilIdle();                        // first attempt fails
 * executor.advanceTimeBy(Duration.ofSeconds(1));  // the back-off passes; the retry runs
 * assertEquals("ok", page.join());
 * }</pre>
 *
 * <p>Everything a task does on a worker (an async task's {@code call()}, a blocking task, a map function)
 * runs inside {@link #pollOnce()}, {@link #runUntilIdle()} or {@link #advanceTimeBy(Duration)}, on the
 * thread that called them. Stages that complete on other threads (real I/O, a
 * {@code CompletableFuture.supplyAsync}) complete tasks as usual; the work that frees comes up at the
 * next poll. {@link #delay(Duration)} gives tasks a stage that completes in virtual time.
 *
 * <p>Blocking calls wait by driving the loop: {@link #runBlocking}, {@code close()}, {@code shutdown(true, ..)}
 * and a {@code mapIter} stream's {@code next()} run ready work and, when none is left, move the clock to
 * the next timer. Called from a task of this executor, {@code runBlocking} throws
 * {@link dev.corobridge.NotSupportedException}: the only thread that could run the work is waiting.
 *
 * <p>Drive it from one thread at a time; submitting is thread-safe.
 */
public final class ManualExecutor implements AsyncExecutor {
  private final ManualLoop loop = new ManualLoop();
  private final ThreadedExecutor executor;

  private ManualExecutor(ExecutorConfig config) {
    this.executor = ThreadedRuntimes.onLoop(config, loop);
  }

  /**
   * A manual executor with the given bound on tasks in flight.
   *
   * @param maxWorkers the most tasks in flight at once, {@code >= 1}
   * @return the executor, idle at time zero
   * @throws IllegalArgumentException if {@code maxWorkers < 1}
   */
  public static ManualExecutor create(int maxWorkers) {
    return create(AsyncExecutor.builder().name("manual").maxWorkers(maxWorkers).toConfig());
  }

  /**
   * A manual executor with the given configuration, for example
   * {@code ManualExecutor.create(AsyncExecutor.builder().maxWorkers(4).lane("io", 1).toConfig())}.
   *
   * @param config the configuration, as {@code AsyncExecutor.builder()...toConfig()} makes it
   * @return the executor, idle at time zero
   * @throws NullPointerException if {@code config} is null
   */
  public static ManualExecutor create(ExecutorConfig config) {
    return new ManualExecutor(Checks.notNull(config, "config"));
  }

  // ------------------------------------------------------------------------------------------ driving

  /**
   * Runs the work that is ready now, including timers due at the current virtual time, but not the
   * work that running it makes ready.
   *
   * @return whether anything ran
   */
  public boolean pollOnce() {
    return loop.pollOnce();
  }

  /**
   * Polls until nothing is ready. The clock does not move, so work waiting for a timer stays waiting.
   *
   * @return how many polls ran something
   */
  public int runUntilIdle() {
    return loop.runUntilIdle();
  }

  /**
   * Moves the virtual clock forward, firing the timers that come due in time order and running
   * until idle after each.
   *
   * @param duration how far to move the virtual clock, {@code >= 0}
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public void advanceTimeBy(Duration duration) {
    loop.advanceTimeBy(Checks.saturatedNanos(Checks.nonNegative(duration, "duration")));
  }

  /**
   * The virtual time that has passed since the executor was created.
   *
   * @return the virtual time since the executor was created
   */
  public Duration currentTime() {
    return Duration.ofNanos(loop.nanoTime());
  }

  /**
   * Whether any work is ready or any timer is pending.
   *
   * @return whether work is ready to run or a timer is pending
   */
  public boolean hasPendingWork() {
    return loop.hasPendingWork();
  }

  /**
   * Returns a stage that completes once {@code duration} of virtual time has passed: a test's
   * stand-in for latency.
   *
   * @param duration how long to wait in virtual time
   * @return a future that completes when the virtual clock has advanced that far
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public CompletableFuture<Void> delay(Duration duration) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.schedule(() -> done.complete(null), Checks.saturatedNanos(Checks.nonNegative(duration, "duration")));
    return done;
  }

  // ------------------------------------------------------------------------------------------ AsyncExecutor

  @Override public <T extends @Nullable Object> CompletableFuture<T> submit(AsyncTask<T> task) { return executor.submit(task); }
  @Override public <T extends @Nullable Object> CompletableFuture<T> submit(AsyncTask<T> task, TaskOptions options) { return executor.submit(task, options); }
  @Override public <T extends @Nullable Object> CompletableFuture<T> submitBlocking(Callable<T> task) { return executor.submitBlocking(task); }
  @Override public <T extends @Nullable Object> CompletableFuture<T> submitBlocking(Callable<T> task, TaskOptions options) { return executor.submitBlocking(task, options); }

  @Override
  public <A extends @Nullable Object, R extends @Nullable Object> CompletableFuture<List<R>> map(AsyncFunction<? super A, ? extends R> fn, Iterable<? extends A> items) {
    return executor.map(fn, items);
  }

  @Override
  public <A extends @Nullable Object, R extends @Nullable Object> CompletableFuture<List<R>> map(AsyncFunction<? super A, ? extends R> fn, Iterable<? extends A> items, MapOptions options) {
    return executor.map(fn, items, options);
  }

  @Override
  public <A extends @Nullable Object, B extends @Nullable Object, R extends @Nullable Object> CompletableFuture<List<R>> map(AsyncBiFunction<? super A, ? super B, ? extends R> fn,
                                                  Iterable<? extends A> first, Iterable<? extends B> second) {
    return executor.map(fn, first, second);
  }

  @Override
  public <A extends @Nullable Object, R extends @Nullable Object> CompletableFuture<List<R>> mapBlocking(BlockingFunction<? super A, ? extends R> fn, Iterable<? extends A> items) {
    return executor.mapBlocking(fn, items);
  }

  @Override
  public <A extends @Nullable Object, R extends @Nullable Object> CompletableFuture<List<R>> mapBlocking(BlockingFunction<? super A, ? extends R> fn, Iterable<? extends A> items, MapOptions options) {
    return executor.mapBlocking(fn, items, options);
  }

  @Override
  public <A extends @Nullable Object, R extends @Nullable Object> Stream<R> mapIter(AsyncFunction<? super A, ? extends R> fn, Iterable<? extends A> items) {
    return executor.mapIter(fn, items);
  }

  @Override
  public <A extends @Nullable Object, R extends @Nullable Object> Stream<R> mapIter(AsyncFunction<? super A, ? extends R> fn, Iterable<? extends A> items, MapOptions options) {
    return executor.mapIter(fn, items, options);
  }

  @Override
  public <T extends @Nullable Object> List<CompletableFuture<T>> asCompleted(Collection<? extends CompletionStage<? extends T>> futures) {
    return executor.asCompleted(futures);
  }

  @Override
  public <T extends @Nullable Object> CompletableFuture<WaitResult<T>> waitFor(Collection<? extends CompletableFuture<T>> futures, WaitStrategy strategy) {
    return executor.waitFor(futures, strategy);
  }

  @Override
  public <T extends @Nullable Object> CompletableFuture<WaitResult<T>> waitFor(Collection<? extends CompletableFuture<T>> futures, WaitStrategy strategy, Duration timeout) {
    return executor.waitFor(futures, strategy, timeout);
  }

  @Override public <R extends @Nullable Object> CompletableFuture<R> scoped(ScopeOptions options, ScopedBody<R> body) { return executor.scoped(options, body); }
  @Override public TaskScope openScope(ScopeOptions options) { return executor.openScope(options); }
  @Override public <T extends @Nullable Object> T runBlocking(AsyncTask<T> task) { return executor.runBlocking(task); }
  @Override public <T extends @Nullable Object> CompletableFuture<T> spawn(AsyncTask<T> task) { return executor.spawn(task); }
  @Override public <T extends @Nullable Object> CompletableFuture<T> spawn(String lane, AsyncTask<T> task) { return executor.spawn(lane, task); }
  @Override public <T extends @Nullable Object> CompletableFuture<T> callAppropriately(Callable<?> fn) { return executor.callAppropriately(fn); }
  @Override public void execute(Runnable command) { executor.execute(command); }
  @Override public void shutdown(boolean wait, boolean cancelFutures) { executor.shutdown(wait, cancelFutures); }
  @Override public List<CompletableFuture<?>> shutdownNow() { return executor.shutdownNow(); }
  @Override public CompletableFuture<Void> termination() { return executor.termination(); }
  @Override public boolean isRunning() { return executor.isRunning(); }
  @Override public boolean isTerminated() { return executor.isTerminated(); }
  @Override public ExecutorStats stats() { return executor.stats(); }
  @Override public String name() { return executor.name(); }
  @Override public List<LaneStats> laneStats() { return executor.laneStats(); }
  @Override public void close() { executor.close(); }

  @Override
  public String toString() {
    return executor + "@" + currentTime();
  }
}
