// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.AsyncBiFunction
import dev.corobridge.AsyncExecutor
import dev.corobridge.AsyncFunction
import dev.corobridge.AsyncTask
import dev.corobridge.BlockingFunction
import dev.corobridge.ExecutorStats
import dev.corobridge.LaneStats
import dev.corobridge.MapOptions
import dev.corobridge.TaskOptions
import dev.corobridge.WaitResult
import dev.corobridge.WaitStrategy
import dev.corobridge.ScopeOptions
import dev.corobridge.coroutines.internal.Engine
import dev.corobridge.coroutines.internal.HeldSlot
import dev.corobridge.coroutines.internal.asyncPlain
import dev.corobridge.coroutines.internal.asyncPlainChild
import dev.corobridge.coroutines.internal.launchPlain
import dev.corobridge.coroutines.internal.carriedIntoTasks
import dev.corobridge.coroutines.internal.lendingSlot
import dev.corobridge.coroutines.internal.runScope
import dev.corobridge.coroutines.internal.Failed
import dev.corobridge.coroutines.internal.capturedContext
import dev.corobridge.coroutines.internal.carryingContext
import dev.corobridge.coroutines.internal.ItemCall
import dev.corobridge.coroutines.internal.SlidingWindow
import dev.corobridge.coroutines.internal.StreamWorkers
import dev.corobridge.coroutines.internal.QueuedAsyncTask
import dev.corobridge.coroutines.internal.QueuedBlockingTask
import dev.corobridge.coroutines.internal.TaskFuture
import dev.corobridge.coroutines.internal.TaskKind
import dev.corobridge.coroutines.internal.TimedTaskFuture
import dev.corobridge.coroutines.internal.TaskPlan
import dev.corobridge.coroutines.internal.required
import dev.corobridge.coroutines.internal.awaitBlocking
import dev.corobridge.coroutines.internal.awaitOutcome
import dev.corobridge.coroutines.internal.runOrderedBatch
import dev.corobridge.coroutines.internal.snapshotOf
import dev.corobridge.coroutines.internal.runTask
import dev.corobridge.coroutines.internal.callItem
import dev.corobridge.internal.Checks
import dev.corobridge.internal.ClosingStream
import dev.corobridge.internal.ProgressTracker
import dev.corobridge.internal.StreamCleaner
import dev.corobridge.internal.engine.Completions
import dev.corobridge.internal.engine.Scheduler
import dev.corobridge.internal.engine.StatusLine
import dev.corobridge.internal.engine.TaskTrace
import dev.corobridge.spi.ExecutorConfig
import java.time.Duration
import java.util.Spliterator
import java.util.Spliterators
import java.util.concurrent.Callable
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionException
import java.util.concurrent.CompletionStage
import java.util.function.Consumer
import java.util.stream.Stream
import java.util.stream.StreamSupport
import kotlin.time.Duration.Companion.nanoseconds
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.job
import kotlinx.coroutines.withTimeoutOrNull

/**
 * The kotlinx.coroutines engine of [AsyncExecutor]. Java code sees it only as an [AsyncExecutor];
 * Kotlin code drives the very same object through suspend functions and flows, and tasks from both
 * count against the same `maxWorkers`, lanes and lifecycle.
 *
 * ```kotlin
 * withAsyncExecutor(maxWorkers = 16) {
 *     val pages = map(urls) { url -> client.get(url) }          // in input order, 16 at a time
 *     mapIter(ids) { id -> load(id) }.take(10).collect(::show)  // lazily, cancels the rest on exit
 *     val report = async(TaskOptions.builder().lane("reports").build()) { buildReport() }
 *     println(report.await())
 * }
 * ```
 *
 * Async work runs on [kotlinx.coroutines.Dispatchers.Default] (or the dispatcher given to the
 * [CoroutineAsyncExecutor] factory, such as a test dispatcher); blocking calls run on the executor's own
 * elastic pool of blocking threads (named `<executor name>-blocking-<n>`, shut down when the executor
 * terminates) and are interrupted on cancellation. Tasks without options start in submission order.
 * Create an executor with [CoroutineAsyncExecutor], [withAsyncExecutor] or [AsyncExecutor.create].
 * This class is thread-safe.
 */
public class CoroutineAsyncExecutor private constructor(
  config: ExecutorConfig,
  dispatcher: CoroutineDispatcher,
) : AsyncExecutor {
  private val engine = Engine(config, this, dispatcher)

  /** The engine's clock, for the waits of [waitFor]. */
  private val clock = Scheduler { action, delayNanos -> engine.schedule(delayNanos, action::run) }

  /** The executor's name, from [AsyncExecutor.Builder.name]. */
  public val name: String get() = engine.name

  /** The most tasks in flight at once. */
  public val maxWorkers: Int get() = engine.maxWorkers

  // =========================================================================================== Java API

  override fun <T> submit(task: AsyncTask<T>?): CompletableFuture<T> = submit(task, TaskOptions.defaults())

  override fun <T> submit(task: AsyncTask<T>?, options: TaskOptions?): CompletableFuture<T> {
    required(task, "task")
    val plan = engine.plan(required(options, "options"))
    val work = task.carryingContext()
    if (plan.plain) return engine.submitQueued(QueuedAsyncTask(work, spawned = false))
    val slot = HeldSlot(engine)
    return engine.submitTask(plan, TaskKind.ASYNC, plan.context + slot, slot) { engine.callAsync(plan.name, work::call) }
  }

  override fun <T> submitBlocking(task: Callable<T>?): CompletableFuture<T> = submitBlocking(task, TaskOptions.defaults())

  override fun <T> submitBlocking(task: Callable<T>?, options: TaskOptions?): CompletableFuture<T> {
    required(task, "task")
    val plan = engine.plan(required(options, "options"))
    val work = task.carryingContext()
    if (plan.plain) return engine.submitQueued(QueuedBlockingTask(work, followsStage = false))
    return engine.submitTask(plan, TaskKind.BLOCKING) { engine.blocking.call(work) }
  }

  override fun <A, R> map(fn: AsyncFunction<in A, out R>?, items: Iterable<A>?): CompletableFuture<List<R>> =
    map(fn, items, MapOptions.defaults())

  override fun <A, R> map(fn: AsyncFunction<in A, out R>?, items: Iterable<A>?, options: MapOptions?): CompletableFuture<List<R>> {
    required(fn, "fn")
    val work = fn.carryingContext()
    return submitBatch(snapshotOf(required(items, "items")), options, call = ItemCall.Stage { item: A -> work.apply(item) })
  }

  override fun <A, B, R> map(fn: AsyncBiFunction<in A, in B, out R>?, first: Iterable<A>?, second: Iterable<B>?): CompletableFuture<List<R>> {
    required(fn, "fn")
    val pairs = required(first, "first").zip(required(second, "second"))
    val work = fn.carryingContext()
    return submitBatch(snapshotOf(pairs), MapOptions.defaults(), call = ItemCall.Stage { (a, b): Pair<A, B> -> work.apply(a, b) })
  }

  override fun <A, R> mapBlocking(fn: BlockingFunction<in A, out R>?, items: Iterable<A>?): CompletableFuture<List<R>> =
    mapBlocking(fn, items, MapOptions.defaults())

  override fun <A, R> mapBlocking(fn: BlockingFunction<in A, out R>?, items: Iterable<A>?, options: MapOptions?): CompletableFuture<List<R>> {
    required(fn, "fn")
    val work = fn.carryingContext()
    return submitBatch(snapshotOf(required(items, "items")), options, engine.blocking.dispatcher, ItemCall.Suspending { item: A ->
      engine.blocking.callHere { work.apply(item) }
    })
  }

  private fun <A, R> submitBatch(
    input: Array<Any?>,
    options: MapOptions?,
    workerContext: CoroutineContext = EmptyCoroutineContext,
    call: ItemCall<A>,
  ): CompletableFuture<List<R>> {
    required(options, "options")
    val plan = engine.plan(options.task())
    engine.ensureRunning()
    if (input.isEmpty()) {
      progressOf(options, 0L)?.finish()
      return CompletableFuture.completedFuture(emptyList())
    }
    val window = windowOf(options)
    val timeout = timeoutNanosOf(options)
    val future = if (timeout == 0L) TaskFuture<List<R>>() else TimedTaskFuture()
    future.runningOn(engine.launchUnit {
      // The batch's timeout fails its future at the deadline, while the items are cancelled and waited for.
      val deadline = engine.deadline(future, timeout) { "batch timed out after ${timeout.nanoseconds}" }
      val outcome = try {
        engine.runOrderedBatch(input, window, plan, timeoutNanos = 0L, workerContext, call, engine.planPerItem(options),
          progressOf(options, input.size.toLong()))
      } catch (e: Throwable) {
        Failed(e)
      }
      deadline?.cancel()
      future.completeWith(outcome)
    }) // completed meanwhile (cancelled, timed out): stops the batch at once
    return future
  }

  override fun <A, R> mapIter(fn: AsyncFunction<in A, out R>?, items: Iterable<A>?): Stream<R> = mapIter(fn, items, MapOptions.defaults())

  override fun <A, R> mapIter(fn: AsyncFunction<in A, out R>?, items: Iterable<A>?, options: MapOptions?): Stream<R> {
    required(fn, "fn")
    required(items, "items")
    required(options, "options")
    val work = fn.carryingContext()
    val plan = engine.plan(options.task())
    val choose = engine.planPerItem<A>(options)
    val window = windowOf(options)
    // Items under a plain plan run on workers of the stream's own, without a task each.
    val workers = StreamWorkers(engine, ItemCall.Stage<A> { work.apply(it) }, EmptyCoroutineContext, minOf(window, engine.maxWorkers))
    val stream = SlidingWindow(engine, items.iterator(), window, timeoutNanosOf(options), progressOf(options, items), workers) { item: A ->
      val itemPlan = try {
        choose?.invoke(item) ?: plan
      } catch (e: RuntimeException) {
        return@SlidingWindow CompletableFuture.failedFuture<Any?>(e) // the chooser failed: so does the item, in its turn
      }
      if (itemPlan.plain) {
        workers.start(item)
      } else {
        engine.submitTask<Any?>(itemPlan, TaskKind.STREAM_ITEM) { engine.callAsync(itemPlan.name) { work.apply(item) } }
      }
    }
    val spliterator = object : Spliterators.AbstractSpliterator<R>(Long.MAX_VALUE, Spliterator.ORDERED) {
      @Suppress("UNCHECKED_CAST")
      override fun tryAdvance(action: Consumer<in R>): Boolean {
        val outcome = stream.nextBlocking()
        if (outcome === SlidingWindow.END) return false
        if (outcome is Failed) {
          stream.cancel()
          val e = outcome.error
          throw if (e is RuntimeException || e is Error) e else CompletionException(e)
        }
        action.accept(outcome as R)
        return true
      }
    }
    StreamCleaner.register(spliterator, stream.window) // what the consumer holds, however it holds it
    return ClosingStream(StreamSupport.stream(spliterator, false).onClose(stream::cancel))
  }

  override fun <T> asCompleted(futures: Collection<CompletionStage<out T>>?): List<CompletableFuture<T>> {
    required(futures, "futures")
    return Completions.inCompletionOrder(futures)
  }

  override fun <T> waitFor(futures: Collection<CompletableFuture<T>>?, strategy: WaitStrategy?): CompletableFuture<WaitResult<T>> =
    waitFor(futures, strategy, -1L)

  override fun <T> waitFor(futures: Collection<CompletableFuture<T>>?, strategy: WaitStrategy?, timeout: Duration?): CompletableFuture<WaitResult<T>> =
    waitFor(futures, strategy, Checks.saturatedNanos(Checks.nonNegative(timeout, "timeout")))

  private fun <T> waitFor(futures: Collection<CompletableFuture<T>>?, strategy: WaitStrategy?, timeoutNanos: Long): CompletableFuture<WaitResult<T>> {
    required(futures, "futures")
    required(strategy, "strategy")
    return Completions.waitFor(futures, strategy, timeoutNanos, clock)
  }

  override fun <T> runBlocking(task: AsyncTask<T>?): T {
    required(task, "task")
    return engine.blocking.awaitFromThread { submit(task) }
  }

  override fun <T> spawn(task: AsyncTask<T>?): CompletableFuture<T> {
    required(task, "task")
    return engine.submitQueued(QueuedAsyncTask(task.carryingContext(), spawned = true))
  }

  override fun <T> spawn(lane: String?, task: AsyncTask<T>?): CompletableFuture<T> {
    val plan = engine.laneNamed(required(lane, "lane")).plan
    required(task, "task")
    val work = task.carryingContext()
    val slot = HeldSlot(engine)
    return engine.submitTask(plan, TaskKind.SPAWNED, plan.context + slot, slot) { engine.callAsync(plan.name, work::call) }
  }

  override fun <T> callAppropriately(fn: Callable<*>?): CompletableFuture<T> {
    required(fn, "fn")
    return engine.submitQueued(QueuedBlockingTask(fn.carryingContext(), followsStage = true))
  }

  override fun execute(command: Runnable?) {
    required(command, "command")
    engine.blocking.executeCommand(Callable { command.run() }.carryingContext())
  }

  override fun shutdown(wait: Boolean, cancelFutures: Boolean): Unit = engine.shutdown(wait, cancelFutures)

  /**
   * Shuts down and stops everything, as [AsyncExecutor.shutdownNow] says: the Kotlin tasks ([async],
   * [launch], the children of a [scope]) are cancelled too, their `Deferred` or `Job` reporting it, but not listed.
   */
  override fun shutdownNow(): List<CompletableFuture<*>> = engine.shutdownNow()

  override fun termination(): CompletableFuture<Void> {
    @Suppress("UNCHECKED_CAST")
    return engine.termination.thenApply { null } as CompletableFuture<Void>
  }

  override fun isRunning(): Boolean = engine.isRunning

  override fun isTerminated(): Boolean = engine.termination.isDone

  override fun stats(): ExecutorStats = engine.stats()

  override fun name(): String = engine.name

  override fun laneStats(): List<LaneStats> = engine.laneStats()

  override fun close(): Unit = engine.shutdown(wait = true, cancelFutures = false)

  override fun toString(): String {
    val s = engine.stats()
    return StatusLine.of(name, "coroutines", engine.isRunning, engine.termination.isDone, s.running(), maxWorkers, s.queued(),
      engine.queueCapacity)
  }

  // =========================================================================================== Kotlin API

  /**
   * Starts [block] as a *fire-and-forget* task under [options] and returns its [Deferred]. The task
   * belongs to the executor, not to the caller: cancelling the caller does not cancel it, and nothing
   * waits for it but [close]. Cancel the deferred to cancel it. For work that belongs to the caller,
   * use [scope] (or [withAsyncExecutor]) and the `async` of its [ExecutorScope].
   *
   * @throws dev.corobridge.ExecutorShutdownException if the executor is shut down
   */
  @DelicateCorobridgeApi
  @JvmSynthetic
  public fun <T> async(options: TaskOptions = TaskOptions.defaults(), block: suspend CoroutineScope.() -> T): Deferred<T> {
    val plan = engine.plan(options)
    if (plan.plain && engine.listeners == null) return engine.countedIn { engine.asyncPlain(plan.context + capturedContext(), block) }
    return engine.countedIn {
      val slot = HeldSlot(engine)
      engine.asyncUnit(plan.context + capturedContext() + engine.stallTracking + slot) {
        val outcome = runCounted(plan, slot, queued(plan)) { block() }
        @Suppress("UNCHECKED_CAST")
        if (outcome is Failed) throw outcome.error else outcome as T
      }
    }
  }

  /**
   * Starts [block] as a *fire-and-forget* task under [options]: it belongs to the executor, not to the
   * caller, and a failure goes to the executor's `onUncaughtError` handler (nobody else sees it). For
   * work whose failure the caller must see, use [scope] (or [withAsyncExecutor]) and the `launch` of its
   * [ExecutorScope].
   *
   * @throws dev.corobridge.ExecutorShutdownException if the executor is shut down
   */
  @DelicateCorobridgeApi
  @JvmSynthetic
  public fun launch(options: TaskOptions = TaskOptions.defaults(), block: suspend CoroutineScope.() -> Unit): Job {
    val plan = engine.plan(options)
    if (plan.plain && engine.listeners == null) return engine.countedIn { engine.launchPlain(plan.context + capturedContext(), block) }
    return engine.countedIn {
      val slot = HeldSlot(engine)
      engine.launchUnit(plan.context + capturedContext() + engine.stallTracking + slot) {
        val outcome = runCounted(plan, slot, queued(plan)) { block() }
        if (outcome is Failed) throw outcome.error
      }
    }
  }

  /** Tells the listeners, if any, that a task under [plan] was accepted; its trace, or null without listeners. */
  private fun queued(plan: TaskPlan, blocking: Boolean = false): TaskTrace? = engine.listeners?.queued(plan.name, plan.lane?.name, blocking)

  private suspend fun CoroutineScope.runCounted(plan: TaskPlan, slot: HeldSlot, trace: TaskTrace?, block: suspend CoroutineScope.() -> Any?): Any? {
    val outcome = try {
      engine.runTask(plan, coroutineContext.job, slot, trace = trace) { // the attempt marks the slot it holds (see HeldSlot)
        try {
          coroutineScope(block)
        } catch (e: CancellationException) {
          throw e
        } catch (e: Throwable) {
          Failed(e)
        }
      }
    } catch (e: CancellationException) {
      engine.counters.cancelled.increment()
      trace?.finished(true, null)
      throw e
    }
    engine.counters.finished(cancelled = false, failed = outcome is Failed)
    trace?.finished(false, (outcome as? Failed)?.error)
    return outcome
  }

  /**
   * Applies [transform] to every item, at most `window` (default `maxWorkers`) at once, and returns the
   * results in input order. The first failure cancels the rest and is thrown; cancelling the caller
   * cancels the batch.
   */
  @JvmSynthetic
  public suspend fun <A, R> map(items: Iterable<A>, options: MapOptions = MapOptions.defaults(), transform: suspend (A) -> R): List<R> {
    val input = snapshotOf(items)
    val plan = engine.plan(options.task())
    engine.ensureRunning()
    if (input.isEmpty()) {
      progressOf(options, 0L)?.finish()
      return emptyList()
    }
    val caller = currentCoroutineContext().carriedIntoTasks()
    val batch = engine.asyncUnit(caller + capturedContext() + engine.stallTracking) {
      engine.runOrderedBatch(input, windowOf(options), plan, timeoutNanosOf(options), call = ItemCall.Transform(transform),
        choose = engine.planPerItem(options), progress = progressOf(options, input.size.toLong()))
    }
    val outcome = engine.lendingSlot {
      try {
        batch.await()
      } catch (e: CancellationException) {
        batch.cancel()
        throw e
      }
    }
    @Suppress("UNCHECKED_CAST")
    if (outcome is Failed) throw outcome.error else return outcome as List<R>
  }

  /**
   * Streams the results of [transform] over [items] in input order. Cold: each collection starts its
   * own batch, pulls [items] lazily, in the collector's coroutine, and keeps at most `window` items in
   * flight or unconsumed; ending the collection early (`take`, `first`, an exception) cancels the items
   * in flight.
   */
  @JvmSynthetic
  public fun <A, R> mapIter(items: Iterable<A>, options: MapOptions = MapOptions.defaults(), transform: suspend (A) -> R): Flow<R> {
    val plan = engine.plan(options.task())
    val call = ItemCall.Transform(transform)
    val choose = engine.planPerItem<A>(options)
    return flow {
      val base = currentCoroutineContext().carriedIntoTasks() + capturedContext() + engine.stallTracking
      val context = base + plan.context
      val window = windowOf(options)
      // Items under the stream's plain plan run on workers of the stream's own, without a coroutine each.
      val workers = StreamWorkers(engine, call, context, minOf(window, engine.maxWorkers))
      val stream = SlidingWindow(engine, items.iterator(), window, timeoutNanosOf(options), progressOf(options, items), workers) { item: A ->
        val itemPlan = try {
          choose?.invoke(item) ?: plan
        } catch (e: RuntimeException) {
          return@SlidingWindow CompletableFuture.failedFuture<Any?>(e) // the chooser failed: so does the item, in its turn
        }
        if (itemPlan.plain && itemPlan.context == plan.context) return@SlidingWindow workers.start(item)
        val itemContext = if (itemPlan === plan) context else base + itemPlan.context
        engine.submitTask<Any?>(itemPlan, TaskKind.STREAM_ITEM, itemContext) { engine.callItem(call, item) }
      }
      try {
        while (true) {
          val outcome = stream.next()
          if (outcome === SlidingWindow.END) break
          if (outcome is Failed) throw outcome.error
          @Suppress("UNCHECKED_CAST")
          emit(outcome as R)
        }
      } finally {
        stream.cancel()
      }
    }
  }

  /**
   * Emits the values of [deferreds] in the order they complete; a failed one makes the flow throw its
   * exception. Never cancels the inputs.
   */
  @JvmSynthetic
  @JvmName("asCompletedFlow")
  public fun <T> asCompleted(deferreds: Collection<Deferred<T>>): Flow<T> = flow {
    val completed = Channel<Deferred<T>>(Channel.UNLIMITED)
    val handles = deferreds.map { d -> d.invokeOnCompletion { completed.trySend(d) } }
    try {
      repeat(deferreds.size) { emit(completed.receive().await()) }
    } finally {
      handles.forEach { it.dispose() }
    }
  }

  /**
   * Suspends until [strategy] is met for [deferreds], or [timeout] expires, and returns which were done
   * and which still pending at that moment. Never cancels the inputs; never throws on timeout.
   */
  @JvmSynthetic
  public suspend fun <T> waitFor(
    deferreds: Collection<Deferred<T>>,
    strategy: WaitStrategy,
    timeout: kotlin.time.Duration? = null,
  ): DeferredWaitResult<T> {
    require(timeout == null || !timeout.isNegative()) { "timeout must be >= 0, was $timeout" }
    val list = deferreds.toList()
    if (list.isNotEmpty()) {
      val completed = Channel<Deferred<T>>(Channel.UNLIMITED)
      val handles = list.map { d -> d.invokeOnCompletion { completed.trySend(d) } }
      try {
        val waitUntilMet: suspend () -> Unit = {
          var remaining = list.size
          while (true) {
            val d = completed.receive()
            remaining--
            if (Completions.isMet(strategy, d.isCancelled || d.getCompletionExceptionOrNull() != null, remaining)) break
          }
        }
        if (timeout == null) waitUntilMet() else withTimeoutOrNull(timeout) { waitUntilMet() }
      } finally {
        handles.forEach { it.dispose() }
      }
    }
    val (done, pending) = list.partition { it.isCompleted }
    return DeferredWaitResult(LinkedHashSet(done), LinkedHashSet(pending))
  }

  /**
   * Runs a plain (possibly blocking) function on a blocking worker, never on the caller's thread, and
   * returns its result; if it returns a [CompletionStage] the result of that stage is awaited.
   * Cancelling the caller interrupts the function. A lambda literal lands here; pass a suspend function
   * (`callAppropriately(::load)` or `callAppropriately(suspend { ... })`) to have it awaited instead.
   */
  @JvmSynthetic
  public suspend fun <T> callAppropriately(fn: () -> T): T = runAsChild(TaskPlan.PLAIN, blocking = true) {
    var outcome = engine.blocking.call(Callable { fn() })
    if (outcome is CompletionStage<*>) outcome = outcome.awaitOutcome()
    @Suppress("UNCHECKED_CAST")
    if (outcome is Failed) throw outcome.error else outcome as T
  }

  /**
   * Runs [block] as a task of this executor in the caller's coroutine: a child of the caller's job,
   * with the caller's context elements and propagated thread context, on the executor's dispatcher and under [plan]'s limits. The
   * caller's own slot of this executor, if it is one of its tasks, is lent meanwhile.
   */
  internal suspend fun <T> runAsChild(plan: TaskPlan, blocking: Boolean = false, block: suspend CoroutineScope.() -> T): T = engine.lendingSlot {
    engine.countedIn { engine.enter() }
    val trace = queued(plan, blocking)
    var counted = false
    try {
      val slot = HeldSlot(engine)
      withContext(engine.taskContext + plan.context + capturedContext() + slot) {
        counted = true // from here runCounted counts the task's end, whatever it is
        val outcome = engine.stoppableUnit { runCounted(plan, slot, trace, block) }
        @Suppress("UNCHECKED_CAST")
        if (outcome is Failed) throw outcome.error else outcome as T
      }
    } catch (e: CancellationException) {
      if (!counted) { // the caller was cancelled before the task started
        engine.counters.cancelled.increment()
        trace?.finished(true, null)
      }
      throw e
    } finally {
      engine.exit()
    }
  }

  /**
   * Submits [block] as an async task whose stage is the coroutine itself, on this executor's dispatcher
   * under its limits: the future fails with the block's own exception (caught where it is thrown, so
   * never a stack-recovered copy), and cancelling it cancels the coroutine.
   */
  internal fun <T> submitSuspending(block: suspend () -> T): CompletableFuture<T> {
    val slot = HeldSlot(engine)
    val context = capturedContext() + engine.stallTracking + slot
    return engine.submitTask(TaskPlan.PLAIN, TaskKind.ASYNC, context, slot) {
      try {
        block()
      } catch (e: CancellationException) {
        throw e
      } catch (e: Throwable) {
        Failed(e)
      }
    }
  }

  /**
   * Starts [block] as a structured child task of [parent]: a child of its job, with its context
   * elements plus [context] (the engine's task context, see [Engine.taskContext]) and the calling thread's
   * propagated context, under [options]' limits.
   */
  internal fun <T> startChild(parent: CoroutineScope, options: TaskOptions, context: CoroutineContext, block: suspend CoroutineScope.() -> T): Deferred<T> {
    val plan = engine.plan(options)
    if (plan.plain && engine.listeners == null) return engine.countedIn { engine.asyncPlainChild(parent, context + plan.context + capturedContext(), block) }
    val slot = HeldSlot(engine)
    val childContext = context + plan.context + capturedContext() + slot
    return engine.countedIn {
      engine.enter()
      parent.async(childContext, CoroutineStart.ATOMIC) {
        try {
          val outcome = runChild(plan, slot, block) // stopped with its scope (see scopeBody)
          @Suppress("UNCHECKED_CAST")
          if (outcome is Failed) throw outcome.error else outcome as T
        } finally {
          engine.exit()
        }
      }
    }
  }

  /**
   * Runs a structured child's [block] in the child's own coroutine under [plan], and counts it. Unlike
   * [runCounted] it adds no scope of its own: the child's job is one, and the child completes after the
   * coroutines its block launched. Those run on the executor's dispatcher but are not tasks of it: the
   * child's slot goes back when its block returns (use the scope's `async`/`launch` for bounded work). A
   * child with a plain plan ([asyncPlainChild]) holds its slot until they have ended too, as the executor's
   * own `async` does: the stricter bound, and the path that costs no coroutine of the engine's besides the child's.
   */
  private suspend fun CoroutineScope.runChild(plan: TaskPlan, slot: HeldSlot, block: suspend CoroutineScope.() -> Any?): Any? {
    val scope = this
    val trace = queued(plan)
    val outcome = try {
      engine.runTask(plan, coroutineContext.job, slot, trace = trace) {
        try {
          scope.block()
        } catch (e: CancellationException) {
          throw e
        } catch (e: Throwable) {
          Failed(e)
        }
      }
    } catch (e: CancellationException) {
      engine.counters.cancelled.increment()
      trace?.finished(true, null)
      throw e
    }
    engine.counters.finished(cancelled = false, failed = outcome is Failed)
    trace?.finished(false, (outcome as? Failed)?.error)
    return outcome
  }

  /** [scope] after the executor's checks: see there. */
  internal suspend fun <R> runScopeBlock(options: ScopeOptions, block: suspend ExecutorScope.() -> R): R {
    engine.ensureRunning()
    return engine.lendingSlot { runScope(this, engine, options, block) }
  }

  private fun windowOf(options: MapOptions): Int = options.window().orElse(engine.maxWorkers)

  private fun progressOf(options: MapOptions, total: Long): ProgressTracker? = ProgressTracker.of(options, total, engine::reportUncaught)

  private fun progressOf(options: MapOptions, items: Iterable<*>): ProgressTracker? =
    progressOf(options, if (items is Collection<*>) items.size.toLong() else -1L)

  private fun timeoutNanosOf(options: MapOptions): Long = options.timeout().map { it.toNanos() }.orElse(0L)

  internal companion object {
    internal fun create(config: ExecutorConfig, dispatcher: CoroutineDispatcher = Dispatchers.Default): CoroutineAsyncExecutor =
      CoroutineAsyncExecutor(config, dispatcher)
  }
}
