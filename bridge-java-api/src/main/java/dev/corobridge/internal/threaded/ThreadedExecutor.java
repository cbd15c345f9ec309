// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.threaded;

import dev.corobridge.AsyncBiFunction;
import dev.corobridge.AsyncExecutor;
import dev.corobridge.AsyncFunction;
import dev.corobridge.AsyncSemaphore;
import dev.corobridge.AsyncTask;
import dev.corobridge.BlockingFunction;
import dev.corobridge.ExecutorShutdownException;
import dev.corobridge.ExecutorStats;
import dev.corobridge.LaneStats;
import dev.corobridge.MapOptions;
import dev.corobridge.NotSupportedException;
import dev.corobridge.OutOfResourcesException;
import dev.corobridge.TaskOptions;
import dev.corobridge.WaitResult;
import dev.corobridge.WaitStrategy;
import dev.corobridge.internal.Cancellations;
import dev.corobridge.internal.Checks;
import dev.corobridge.internal.ClosingStream;
import dev.corobridge.internal.Failures;
import dev.corobridge.internal.QueuedAsyncSemaphore;
import dev.corobridge.internal.StallWatchdog;
import dev.corobridge.internal.engine.Completions;
import dev.corobridge.internal.engine.Lifecycle;
import dev.corobridge.internal.engine.Refusals;
import dev.corobridge.internal.engine.StatusLine;
import dev.corobridge.internal.engine.TaskListeners;
import dev.corobridge.internal.engine.TaskTrace;
import dev.corobridge.internal.engine.UncaughtErrors;
import dev.corobridge.internal.scope.CallFrame;
import dev.corobridge.internal.scope.LendingWait;
import dev.corobridge.spi.ContextPropagation;
import dev.corobridge.spi.ExecutorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The pure-Java engine behind the fallback runtime, the {@code Executor} adapter and the manual test
 * runtime: the whole {@link AsyncExecutor} contract on {@link CompletableFuture}s and FIFO
 * {@link AsyncSemaphore}s, on whatever {@link Host} it is given. Every wait is a wake-up: a permit
 * grant, a stage's completion, a timer; nothing polls.
 *
 * <p>Overview: each accepted task is a {@link ThreadedTask}, which takes its permits (semaphore, lane,
 * worker slot), runs its body on the host and completes its future once. {@code lifecycle} (the
 * {@link Lifecycle} both engines share) counts the units in flight (tasks, batches and open streams) next
 * to a shutdown bit; the executor terminates when the bit is set and nothing is in flight. {@code queued} and
 * {@code running} are exact, because the bound on the queue is checked against {@code queued}.
 * {@code shutdownNow()} walks {@code accepted} twice: first it cancels what has not started (listing the futures
 * callers hold), then it completes every other future as cancelled, which stops its work (see
 * {@link ThreadedTask}).
 *
 * <p>Invariant: nothing a user supplies (a task, the stage it returns, a callback on a returned future, a
 * stage that calls back twice or throws, an {@code onUncaughtError} handler, a retry listener) can end a
 * worker thread, or leave a worker slot, a lane or semaphore permit, or a unit of {@code lifecycle} counted:
 * every call into user code is caught where it is made and becomes the task's outcome, permits go back
 * once the attempt's outcome is known, and every accepted task leaves the count exactly once. The TCK's
 * {@code FaultContract} and {@code StressContract} hold every runtime to it.
 */
public final class ThreadedExecutor implements AsyncExecutor, LendingWait {
  /** The permits of a command of {@code execute}: none, it runs outside the bound. */
  private static final AsyncSemaphore[] NO_PERMITS = new AsyncSemaphore[0];

  final Host host;
  /** Watches async calls for stalls, if the builder asked for it; else null. */
  final StallWatchdog stallWatchdog;
  /** The executor's listeners, or null for none: then no task carries a trace. */
  private final TaskListeners listeners;
  private final ExecutorConfig config;
  private final int queueCapacity;
  private final AsyncSemaphore slots;
  private final Map<String, AsyncSemaphore> lanes = new HashMap<>();
  private final Lifecycle lifecycle;
  private final CompletableFuture<Void> termination = new CompletableFuture<>();
  private final Set<ThreadedTask<?>> accepted = ConcurrentHashMap.newKeySet();
  /** The mapIter streams not yet ended: a shutdown with cancelFutures cuts them short. */
  private final Set<WindowedIterator.Window> openStreams = ConcurrentHashMap.newKeySet();
  /** Set before the open streams are cut short, so that a stream opened meanwhile sees it. */
  private volatile boolean cancelQueuedStreams;
  /** Set by {@link #shutdownNow()} before it walks the accepted tasks, so that a task accepted meanwhile sees it. */
  private volatile boolean stoppingAll;

  final AtomicInteger queued = new AtomicInteger();
  final AtomicInteger running = new AtomicInteger();
  final LongAdder retried = new LongAdder();
  private final LongAdder submitted = new LongAdder();
  private final LongAdder succeeded = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder cancelled = new LongAdder();

  /**
   * Creates a running executor.
   *
   * @param queueCapacity how many tasks may wait for a worker before {@code submit} throws
   *                      {@link OutOfResourcesException}, unless the configuration says otherwise;
   *                      {@code Integer.MAX_VALUE} for no bound
   */
  ThreadedExecutor(ExecutorConfig config, Host host, int queueCapacity) {
    this.config = config;
    this.host = host;
    this.queueCapacity = config.queueCapacity().orElse(queueCapacity); // the builder's, else the runtime's
    this.lifecycle = new Lifecycle(config.name(), this::terminate);
    this.slots = new QueuedAsyncSemaphore(config.maxWorkers());
    config.lanes().forEach((lane, limit) -> lanes.put(lane, new QueuedAsyncSemaphore(limit)));
    this.listeners = TaskListeners.of(config);
    this.stallWatchdog = config.stallThreshold().map(threshold -> new StallWatchdog(config.name(), threshold, this::report)).orElse(null);
    if (stallWatchdog != null) {
      stallWatchdog.watchSaturation(new StallWatchdog.Saturation() {
        @Override public int maxWorkers() {
          return config.maxWorkers();
        }

        @Override public boolean saturated() {
          return slots.availablePermits() == 0 && queued.get() > 0;
        }

        @Override public long finished() {
          return succeeded.sum() + failed.sum() + cancelled.sum();
        }
      });
    }
  }

  @Override
  public List<LaneStats> laneStats() {
    List<LaneStats> stats = new ArrayList<>(lanes.size());
    config.lanes().forEach((lane, limit) -> {
      AsyncSemaphore permits = lanes.get(lane);
      stats.add(new LaneStats(lane, limit, limit - permits.availablePermits(), permits.queueLength()));
    });
    return List.copyOf(stats);
  }

  @Override
  public String name() {
    return config.name();
  }

  // ------------------------------------------------------------------------------------------ accepting

  /**
   * Accepts a task and starts it.
   *
   * @param batchItem an item of an accepted batch: not refused after shutdown (the batch was accepted)
   *                  and not bounded by the queue (its window bounds it)
   */
  <T> CompletableFuture<T> accept(ThreadedTask.Kind kind, Callable<?> body, TaskOptions options, boolean batchItem) {
    return accept(kind, body, options, batchItem, permitsFor(options));
  }

  private <T> CompletableFuture<T> accept(ThreadedTask.Kind kind, Callable<?> body, TaskOptions options, boolean batchItem,
                                          AsyncSemaphore[] permits) {
    CallFrame.noteSubmission(this);
    enter(!batchItem);
    if (queued.incrementAndGet() > queueCapacity && !batchItem) {
      queued.decrementAndGet();
      exit();
      throw Refusals.queueFull(name(), queueCapacity, config.maxWorkers());
    }
    submitted.increment();
    Callable<?> work = batchItem ? body : ContextPropagation.capture().wrap(body); // a batch captured at its call
    // Listed by shutdownNow() if it never starts: a task whose future the caller holds (not an item, not a command).
    boolean listed = !batchItem && permits.length > 0;
    TaskTrace trace = listeners == null ? null
        : listeners.queued(options.name().orElse(null), options.lane().orElse(null), kind != ThreadedTask.Kind.ASYNC);
    ThreadedTask<T> task = new ThreadedTask<>(this, kind, work, permits, options.retry(), options.name().orElse(null), listed, trace);
    accepted.add(task);
    if (stoppingAll) task.cancelIfNotStarted(); // an item a batch started after shutdownNow() walked the tasks
    task.start(options.timeout().map(Duration::toNanos).orElse(-1L), options.attemptTimeout().map(Duration::toNanos).orElse(-1L));
    return task.future;
  }

  AsyncSemaphore[] permitsFor(TaskOptions options) {
    AsyncSemaphore lane = null;
    if (options.lane().isPresent()) {
      lane = lanes.get(options.lane().get());
      if (lane == null) {
        throw Refusals.unknownLane(options.lane().get(), name(), lanes.keySet());
      }
    }
    AsyncSemaphore semaphore = options.semaphore().orElse(null);
    if (semaphore == null && lane == null) return new AsyncSemaphore[] {slots};
    if (semaphore == null) return new AsyncSemaphore[] {lane, slots};
    if (lane == null) return new AsyncSemaphore[] {semaphore, slots};
    return new AsyncSemaphore[] {semaphore, lane, slots};
  }

  /** Counts a unit in flight; refuses it after shutdown when {@code checkShutdown}. */
  void enter(boolean checkShutdown) {
    if (checkShutdown) {
      lifecycle.enter();
    } else {
      lifecycle.enterWithin();
    }
  }

  /** A unit in flight ended; the last one after shutdown terminates the executor. */
  void exit() {
    lifecycle.exit();
  }

  void taskFinished(ThreadedTask<?> task) {
    accepted.remove(task);
    CompletableFuture<?> future = task.future;
    if (future.isCancelled()) {
      cancelled.increment();
    } else if (future.isCompletedExceptionally()) {
      failed.increment();
    } else {
      succeeded.increment();
    }
    if (task.trace != null) task.trace.finished(future);
    exit();
  }

  private void terminate() {
    if (stallWatchdog != null) stallWatchdog.stop();
    boolean handedOver = false;
    try {
      host.terminated(termination); // completed once no thread the host made is alive
      handedOver = true;
    } finally {
      if (!handedOver) termination.complete(null);
    }
  }

  private boolean onOwnWorker() {
    return LendingWait.current() instanceof ThreadedTask<?> task && task.executor == this;
  }

  /**
   * Waits for {@code done}, work of this executor. A blocking task of this executor lends its worker slot
   * meanwhile (the work it waits for may need it) and takes it back, uninterruptibly, before it goes on;
   * an async task of this executor may not block its thread. A task of another runtime lends its own slot
   * or is refused as that runtime says, unless this executor runs on a manual loop, which only the
   * waiting thread can drive.
   */
  @Override
  public void awaitLendingSlot(CompletableFuture<?> done) throws InterruptedException {
    LendingWait current = LendingWait.current();
    if (!(current instanceof ThreadedTask<?> task) || task.executor != this) {
      if (current != null && !(host instanceof ManualLoop)) {
        current.awaitLendingSlot(done);
      } else {
        host.awaitDone(done);
      }
      return;
    }
    if (task.kind == ThreadedTask.Kind.ASYNC) {
      throw new NotSupportedException("a blocking wait (TaskScope.join, close) was called in an async task of " + name()
          + ": blocking this thread could stall every task; use executor.scoped(...) and compose its future instead");
    }
    if (done.isDone()) {
      return;
    }
    if (!task.holdsSlot()) {
      host.awaitDone(done); // a command of execute runs outside the bound: no slot to lend
      return;
    }
    slots.release();
    try {
      host.awaitDone(done);
    } finally {
      // Uninterruptible (the task's attempt gives this slot back when it ends), and through the host,
      // which on the manual runtime runs the work that frees a slot meanwhile.
      CompletableFuture<Void> again = slots.acquire();
      boolean interrupted = false;
      while (!again.isDone()) {
        try {
          host.awaitDone(again);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------------------ single tasks

  @Override
  public <T> CompletableFuture<T> submit(AsyncTask<T> task) {
    return submit(task, TaskOptions.defaults());
  }

  @Override
  public <T> CompletableFuture<T> submit(AsyncTask<T> task, TaskOptions options) {
    Checks.notNull(task, "task");
    return accept(ThreadedTask.Kind.ASYNC, task::call, Checks.notNull(options, "options"), false);
  }

  @Override
  public <T> CompletableFuture<T> submitBlocking(Callable<T> task) {
    return submitBlocking(task, TaskOptions.defaults());
  }

  @Override
  public <T> CompletableFuture<T> submitBlocking(Callable<T> task, TaskOptions options) {
    Checks.notNull(task, "task");
    return accept(ThreadedTask.Kind.BLOCKING, task, Checks.notNull(options, "options"), false);
  }

  // ------------------------------------------------------------------------------------------ batches

  @Override
  public <A, R> CompletableFuture<List<R>> map(AsyncFunction<? super A, ? extends R> fn, Iterable<? extends A> items) {
    return map(fn, items, MapOptions.defaults());
  }

  @Override
  public <A, R> CompletableFuture<List<R>> map(AsyncFunction<? super A, ? extends R> fn, Iterable<? extends A> items, MapOptions options) {
    Checks.notNull(fn, "fn");
    return OrderedMap.start(this, ThreadedTask.Kind.ASYNC, fn::apply, snapshot(Checks.notNull(items, "items")), Checks.notNull(options, "options"));
  }

  @Override
  public <A, B, R> CompletableFuture<List<R>> map(AsyncBiFunction<? super A, ? super B, ? extends R> fn,
                                                  Iterable<? extends A> first, Iterable<? extends B> second) {
    Checks.notNull(fn, "fn");
    Iterator<? extends A> a = Checks.notNull(first, "first").iterator();
    Iterator<? extends B> b = Checks.notNull(second, "second").iterator();
    List<Object[]> pairs = new ArrayList<>();
    while (a.hasNext() && b.hasNext()) pairs.add(new Object[] {a.next(), b.next()});
    @SuppressWarnings("unchecked")
    OrderedMap.ItemFunction<Object[]> zipped = pair -> fn.apply((A) pair[0], (B) pair[1]);
    return OrderedMap.start(this, ThreadedTask.Kind.ASYNC, zipped, pairs, MapOptions.defaults());
  }

  /**
   * A batch's input, read whole on the calling thread (as every runtime does): the batch does not see later
   * changes of the source, the source need not be thread-safe, and an input that fails to iterate fails the call.
   */
  private static <A> List<A> snapshot(Iterable<? extends A> items) {
    List<A> copy = new ArrayList<>();
    for (A item : items) copy.add(item);
    return copy;
  }

  @Override
  public <A, R> CompletableFuture<List<R>> mapBlocking(BlockingFunction<? super A, ? extends R> fn, Iterable<? extends A> items) {
    return mapBlocking(fn, items, MapOptions.defaults());
  }

  @Override
  public <A, R> CompletableFuture<List<R>> mapBlocking(BlockingFunction<? super A, ? extends R> fn, Iterable<? extends A> items, MapOptions options) {
    Checks.notNull(fn, "fn");
    return OrderedMap.start(this, ThreadedTask.Kind.BLOCKING, fn::apply, snapshot(Checks.notNull(items, "items")), Checks.notNull(options, "options"));
  }

  @Override
  public <A, R> Stream<R> mapIter(AsyncFunction<? super A, ? extends R> fn, Iterable<? extends A> items) {
    return mapIter(fn, items, MapOptions.defaults());
  }

  @Override
  public <A, R> Stream<R> mapIter(AsyncFunction<? super A, ? extends R> fn, Iterable<? extends A> items, MapOptions options) {
    Checks.notNull(fn, "fn");
    Checks.notNull(items, "items");
    Checks.notNull(options, "options");
    WindowedIterator<A, R> results = new WindowedIterator<>(this, fn, items, options);
    Stream<R> stream = StreamSupport.stream(Spliterators.spliteratorUnknownSize(results, Spliterator.ORDERED | Spliterator.NONNULL), false);
    return new ClosingStream<>(stream.onClose(results::close));
  }

  int maxWorkers() {
    return config.maxWorkers();
  }

  // ------------------------------------------------------------------------------------------ waiting

  @Override
  public <T> List<CompletableFuture<T>> asCompleted(Collection<? extends CompletionStage<? extends T>> futures) {
    return Completions.inCompletionOrder(futures);
  }

  @Override
  public <T> CompletableFuture<WaitResult<T>> waitFor(Collection<? extends CompletableFuture<T>> futures, WaitStrategy strategy) {
    return Completions.waitFor(futures, strategy, -1, host);
  }

  @Override
  public <T> CompletableFuture<WaitResult<T>> waitFor(Collection<? extends CompletableFuture<T>> futures, WaitStrategy strategy, Duration timeout) {
    return Completions.waitFor(futures, strategy, Checks.saturatedNanos(Checks.nonNegative(timeout, "timeout")), host);
  }

  // ------------------------------------------------------------------------------------------ bridging

  @Override
  public <T> T runBlocking(AsyncTask<T> task) {
    Checks.notNull(task, "task");
    if (LendingWait.current() instanceof ThreadedTask<?> own && own.executor == this
        && (own.kind == ThreadedTask.Kind.ASYNC || host instanceof ManualLoop)) {
      throw new NotSupportedException("runBlocking called on a worker of " + name() + " that must not block: waiting here "
          + "could take the worker the task needs; return the future of submit(...) and compose it instead, or call "
          + "runBlocking from a blocking task (submitBlocking)");
    }
    CompletableFuture<T> future = submit(task);
    try {
      awaitLendingSlot(future); // a blocking task lends its slot while it waits
    } catch (NotSupportedException refused) {
      future.cancel(true); // an async worker of another runtime may not block: nothing of this call is left running
      throw refused;
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      CancellationException cancelled = new CancellationException("interrupted while waiting for the task");
      cancelled.initCause(e);
      throw cancelled;
    }
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) throw r;
      if (cause instanceof Error err) throw err;
      throw e;
    }
  }

  @Override
  public <T> CompletableFuture<T> spawn(AsyncTask<T> task) {
    return reportFailure(submit(task));
  }

  @Override
  public <T> CompletableFuture<T> spawn(String lane, AsyncTask<T> task) {
    Checks.notNull(lane, "lane");
    return reportFailure(submit(task, TaskOptions.builder().lane(lane).build()));
  }

  @Override
  public <T> CompletableFuture<T> callAppropriately(Callable<?> fn) {
    Checks.notNull(fn, "fn");
    return accept(ThreadedTask.Kind.APPROPRIATE, fn, TaskOptions.defaults(), false);
  }

  /**
   * Runs the command on a worker at once, outside {@code maxWorkers}: the Executor face is how libraries
   * run their callbacks, which tasks in flight may be waiting for (see {@link AsyncExecutor#execute}).
   */
  @Override
  public void execute(Runnable command) {
    Checks.notNull(command, "command");
    reportFailure(accept(ThreadedTask.Kind.BLOCKING, () -> {
      command.run();
      return null;
    }, TaskOptions.defaults(), false, NO_PERMITS));
  }


  private <T> CompletableFuture<T> reportFailure(CompletableFuture<T> future) {
    future.whenComplete((v, e) -> {
      if (e != null && !(e instanceof CancellationException)) report(Failures.unwrap(e));
    });
    return future;
  }

  void report(Throwable error) {
    UncaughtErrors.report(config.uncaughtErrorHandler(), name(), error);
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  @Override
  public void shutdown(boolean wait, boolean cancelFutures) {
    if (wait && onOwnWorker()) {
      throw new IllegalStateException("shutdown(wait = true) or close() called from a task of " + name()
          + ", which would wait for itself; call shutdown(false, ...) and compose termination() instead");
    }
    lifecycle.shutdown();
    if (cancelFutures) cancelWhatHasNotStarted();
    if (wait) awaitTermination();
  }

  @Override
  public List<CompletableFuture<?>> shutdownNow() {
    stoppingAll = true; // before the walk: a task accepted meanwhile sees it (see accept)
    lifecycle.shutdown();
    List<CompletableFuture<?>> neverStarted = new ArrayList<>();
    for (ThreadedTask<?> task : accepted) {
      if (task.cancelIfNotStarted() && task.listed) neverStarted.add(task.future);
    }
    cancelWhatHasNotStarted(); // the streams, and what was accepted meanwhile
    for (ThreadedTask<?> task : accepted) {
      task.future.completeExceptionally(Cancellations.stoppedNow(name())); // stops the work (see ThreadedTask)
    }
    return neverStarted;
  }

  /** Cancels the tasks that have not started and cuts the open streams short. */
  private void cancelWhatHasNotStarted() {
    for (ThreadedTask<?> task : accepted) {
      task.cancelIfNotStarted();
    }
    cancelQueuedStreams = true;
    for (WindowedIterator.Window stream : openStreams) {
      stream.cutShort(Cancellations.streamCutShort(name()));
    }
  }

  /**
   * Waits for termination. Interrupted, it cancels what has not started, as {@code shutdown(false, true)}
   * does, and waits on for the work that runs (in the manner of {@code ExecutorService.close()}); the
   * interrupt status is set again on return.
   */
  private void awaitTermination() {
    boolean interrupted = false;
    while (true) {
      try {
        if (!host.mayDropWork()) {
          host.awaitDone(termination);
          break;
        }
        // A caller's pool can die under us (shutdownNow drops what it queued): look now and then.
        try {
          termination.get(100, java.util.concurrent.TimeUnit.MILLISECONDS);
          break;
        } catch (java.util.concurrent.TimeoutException notYet) {
          if (host.droppedWork()) failDroppedTasks();
        } catch (java.util.concurrent.ExecutionException cannotHappen) {
          break;
        }
      } catch (InterruptedException e) {
        if (!interrupted) cancelWhatHasNotStarted();
        interrupted = true;
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  /** The host stopped for good: every task it was handed and never started fails, so nothing waits for it. */
  private void failDroppedTasks() {
    for (ThreadedTask<?> task : accepted) {
      task.failIfDropped();
    }
  }

  void streamOpened(WindowedIterator.Window stream) {
    openStreams.add(stream);
    if (cancelQueuedStreams) stream.cutShort(Cancellations.streamCutShort(name()));
  }

  void streamClosed(WindowedIterator.Window stream) {
    openStreams.remove(stream);
  }

  @Override
  public CompletableFuture<Void> termination() {
    return termination.copy();
  }

  @Override
  public boolean isRunning() {
    return lifecycle.isRunning();
  }

  @Override
  public boolean isTerminated() {
    return termination.isDone();
  }

  @Override
  public ExecutorStats stats() {
    return new ExecutorStats(submitted.sum(), Math.max(0, running.get()), Math.max(0, queued.get()), succeeded.sum(),
        failed.sum(), cancelled.sum(), retried.sum());
  }

  @Override
  public void close() {
    shutdown(true, false);
  }

  @Override
  public String toString() {
    return StatusLine.of(name(), host.runtimeName(), isRunning(), isTerminated(), running.get(), config.maxWorkers(),
        queued.get(), queueCapacity);
  }
}
