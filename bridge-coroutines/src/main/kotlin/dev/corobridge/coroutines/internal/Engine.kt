// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.AsyncSemaphore
import dev.corobridge.ExecutorShutdownException
import dev.corobridge.ExecutorStats
import dev.corobridge.LaneStats
import dev.corobridge.MapOptions
import dev.corobridge.TaskOptions
import dev.corobridge.internal.Cancellations
import dev.corobridge.internal.SharedTimer
import dev.corobridge.internal.StallWatchdog
import dev.corobridge.internal.Timed
import dev.corobridge.internal.engine.EngineLog
import dev.corobridge.internal.engine.Lifecycle
import dev.corobridge.internal.engine.Refusals
import dev.corobridge.internal.engine.TaskListeners
import dev.corobridge.internal.engine.TaskTrace
import dev.corobridge.internal.engine.UncaughtErrors
import dev.corobridge.internal.scope.CallFrame
import dev.corobridge.spi.ExecutorConfig
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.TimeoutException
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.coroutines.coroutineContext
import kotlin.time.Duration.Companion.nanoseconds
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.async
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.delay
import kotlinx.coroutines.job
import kotlinx.coroutines.launch
import kotlinx.coroutines.newCoroutineContext
import kotlinx.coroutines.sync.Semaphore
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.coroutines.yield

/*
 * Overview
 *
 * One Engine backs one executor. Every unit of work (a task, a map batch) is a root coroutine, and a
 * mapIter stream is no coroutine at all (see SlidingWindow): no shared parent Job, because attaching
 * thousands of children to one Job from many threads is both a contention point and a few hundred bytes
 * per task. Instead `lifecycle` ([Lifecycle], the rule both engines share) counts the units in flight next to a
 * shutdown bit: a unit enters with one increment of the units entered (refused if the bit is set, unless a unit
 * still in flight starts it) and exits with one increment of the units exited, a count on a cache line of its own;
 * the executor terminates when the two are equal with the bit set.
 * Coroutines run on Dispatchers.Default; blocking calls run on the executor's own elastic pool of blocking
 * threads (BlockingThreads, shut down at termination).
 *
 * The engine is split along its seams: this file admits and accounts for units of work and shuts down;
 * TaskQueue runs the tasks without options; Attempts.kt runs a task under its plan (permits, retries, timeouts);
 * StartGate decides whether a task that has not started may still start; BlockingThreads runs blocking calls
 * and the waits of threads. The rules every runtime shares (lifecycle count, refusals, waits, the status line)
 * come from dev.corobridge.internal.engine.
 *
 * Tasks without options go through `queue` (TaskQueue, FIFO): worker coroutines, each holding one worker slot,
 * drain it, so a queued Java task has no coroutine of its own and costs no dispatch. A Kotlin task or scope child
 * without options is a coroutine of the engine's own (QueuedCoroutine) in the same queue, started in place by the
 * worker that takes it; one that suspends keeps the worker's slot and registers as a unit. Tasks with options
 * (lane, semaphore, retry, timeout) are coroutines of their own that take their permits before a
 * worker slot, on the submitting thread (UNDISPATCHED), in submission order.
 *
 * Limits are coroutine semaphores: `workers` (maxWorkers permits) and one per lane. An attempt takes,
 * in this order, the task's shared AsyncSemaphore permit, its lane permit, then a worker slot, and gives
 * them back in reverse order in `finally` blocks, i.e. only when the attempt has really finished. The
 * fast path (tryAcquire succeeds) neither suspends nor allocates. Retries repeat the attempt after a
 * `delay` holding nothing. A timeout wraps all attempts in withTimeoutOrNull, except for a Java task, whose
 * future a timer fails at the deadline (TimedTaskFuture; on Dispatchers.Default the shared SharedTimer, off
 * every dispatcher) while the work is cancelled and, holding its permits, waited for; a Kotlin `Deferred` is
 * its coroutine, so it completes once the work has stopped.
 *
 * shutdown(cancelFutures): tasks that have not started yet are cancelled. The `gate` (StartGate) is closed
 * first, then the queue is drained (a queue worker checks the gate before starting each task) and the tasks
 * with options waiting for a permit are cancelled (each checks the gate once more after taking its slot), so
 * every not-yet-started task either is found or sees the closed gate.
 *
 * shutdownNow(): what has not started is cancelled as above, then what runs is stopped. With no shared parent
 * Job, the running work is found through two records kept for this alone: `units` (UnitRegistry: a unit's job and
 * what to stop, the job or a Java task's future) and the queue's workers, each showing the task it took up last. A unit
 * registers at its start and a worker writes its task before it looks at the gate; shutdownNow sets its flags
 * before it walks, so a unit or task starting meanwhile is either found or sees a flag and stops itself. A queue
 * worker is a coroutine without a Job whose completion is its own record (QueueWorker), so a worker costs no more
 * than before and a task without options pays one volatile write.
 *
 * Outcomes travel as values (see Outcome.kt), never as exceptions across suspension points.
 *
 * Invariant: nothing a user supplies (a task, the stage it returns, a callback on a returned future, a stage that
 * calls back twice or throws, an onUncaughtError handler, a retry listener) can end a queue worker or a blocking
 * thread, or leave a worker slot, a lane or semaphore permit, or a unit of `lifecycle` counted: every call into
 * user code is caught where it is made and becomes a [Failed] outcome, permits go back in `finally` blocks, and
 * every accepted unit exits exactly once (ATOMIC start). The TCK's FaultContract and StressContract hold every
 * runtime to it.
 */
internal class Engine(config: ExecutorConfig, private val owner: Any, private val dispatcher: CoroutineDispatcher) {
  val name: String = config.name()
  val maxWorkers: Int = config.maxWorkers()
  private val uncaughtErrorHandler = config.uncaughtErrorHandler()

  /** The mark of the threads that run the executor's non-blocking work. */
  @JvmField val nonBlockingMark = WorkerMark(this, owner, blocking = false)

  /** The scope every unit of work of this executor is launched in: no Job, so each unit is a root. */
  val scope: CoroutineScope = object : CoroutineScope {
    override val coroutineContext: CoroutineContext = dispatcher + CoroutineName(name) +
      WorkerMarkElement(nonBlockingMark) + CoroutineExceptionHandler { _, error -> reportUncaught(error) }
  }

  /** The executor's own blocking threads, and the calls and waits that run there. */
  val blocking = BlockingThreads(this, owner, config.preferVirtualThreads())

  /** Timers on a dispatcher of the caller's own (see [schedule]): they never keep the executor from terminating. */
  private val timerScope = CoroutineScope(SupervisorJob() + dispatcher + CoroutineName("$name-timers"))

  /** Watches async calls and Kotlin coroutines for stalls, if the builder asked for it. */
  val stallWatchdog: StallWatchdog? = config.stallThreshold().map { StallWatchdog(name, it, ::reportUncaught) }.orElse(null)

  /**
   * Context for the Kotlin API's coroutines: each stretch they run on a non-blocking thread is watched
   * (stretches on the blocking threads are not); nothing if the watchdog is off.
   */
  val stallTracking: CoroutineContext =
    if (stallWatchdog == null) EmptyCoroutineContext else StallTracking(stallWatchdog, dispatcher, name)

  /**
   * What a Kotlin task coroutine runs with besides its caller's elements and its own job: the
   * executor's dispatcher, the mark of its non-blocking workers, the stall watchdog's tracking.
   */
  val taskContext: CoroutineContext = dispatcher + WorkerMarkElement(nonBlockingMark) + stallTracking

  /**
   * The context of a plain Kotlin task with no name and nothing captured, but for its slot marker: merged once. Null
   * when kotlinx.coroutines adds something of its own to each coroutine's context (a debug id, in debug mode); each
   * task's context is then made as `async` makes it.
   */
  @OptIn(ExperimentalCoroutinesApi::class)
  val plainTaskBase: CoroutineContext? =
    if (scope.newCoroutineContext(EmptyCoroutineContext) === scope.coroutineContext) scope.coroutineContext + stallTracking else null

  /** Whether [plainTaskBase]'s only thread-context element is the non-blocking workers' mark (see [soleWorkerMark]). */
  val plainTaskBaseIsBare: Boolean = plainTaskBase != null && soleWorkerMark(plainTaskBase) === nonBlockingMark

  val workers = Semaphore(maxWorkers)
  private val lanes: Map<String, Lane> = config.lanes().mapValues { (lane, limit) -> Lane(lane, limit) }
  val counters = Counters()

  /** The executor's listeners, or null for none: then no task makes a [TaskTrace]. */
  @JvmField val listeners: TaskListeners? = TaskListeners.of(config)

  /** The units of work in flight and the shutdown bit, shared rule of both engines ([Lifecycle]). */
  private val lifecycle = Lifecycle(name, ::terminate)

  /** Whether tasks that have not started may still start: closed by a shutdown with cancelFutures. */
  val gate = StartGate(name)

  /** Tasks without options, in submission order, and the queue workers that run them. */
  val queue = TaskQueue(this)

  /** The most tasks waiting to start ([Int.MAX_VALUE]: no bound, and then nothing is counted). */
  val queueCapacity: Int = config.queueCapacity().orElse(Int.MAX_VALUE)
  val queueLimited = queueCapacity != Int.MAX_VALUE

  /** Tasks accepted and waiting to start (for a slot, a lane or a semaphore permit); kept only when [queueLimited]. */
  val waitingToStart = java.util.concurrent.atomic.AtomicInteger()

  /**
   * Counts a task in as waiting to start, or refuses it if [queueCapacity] tasks already wait; an item of a
   * batch ([withinUnit]) is counted but never refused. Call only when [queueLimited].
   */
  fun admitWaiting(withinUnit: Boolean) {
    if (waitingToStart.incrementAndGet() > queueCapacity && !withinUnit) {
      waitingToStart.decrementAndGet()
      throw Refusals.queueFull(name, queueCapacity, maxWorkers)
    }
  }

  /** A task counted by [admitWaiting] (or, unbounded, not counted) has left the queue: it no longer waits to start. */
  fun stoppedWaiting() {
    if (queueLimited) waitingToStart.decrementAndGet()
  }

  /** The mapIter streams not yet ended: a shutdown with cancelFutures cuts them short. */
  private val openStreams = ConcurrentHashMap.newKeySet<SlidingWindow.Window>()

  fun streamOpened(stream: SlidingWindow.Window) {
    openStreams.add(stream)
    if (gate.closed) stream.cutShort(streamCutShort()) // the shutdown walked the streams before this one came
  }

  fun streamClosed(stream: SlidingWindow.Window) {
    openStreams.remove(stream)
  }

  private fun streamCutShort() = Cancellations.streamCutShort(name)

  /**
   * The work in flight that [shutdownNow] stops: each unit's job and what to stop, the job itself or, for a
   * Java task with options, its future (which stops the job and completes at once, as a caller's cancel does).
   * Tasks without options are not here: they run on queue workers, found through [queue].
   */
  private val units = UnitRegistry()

  /** Set by [shutdownNow] before it walks [units]: a unit registered meanwhile sees it and stops itself. */
  @Volatile private var stoppingAll = false

  val termination = CompletableFuture<Void?>()

  init {
    stallWatchdog?.watchSaturation(object : StallWatchdog.Saturation {
      override fun maxWorkers(): Int = maxWorkers
      override fun saturated(): Boolean = workers.availablePermits == 0 && stats().queued() > 0
      override fun finished(): Long = counters.succeeded.sum() + counters.failed.sum() + counters.cancelled.sum()
    })
  }

  // ------------------------------------------------------------------------------------------ plans

  fun plan(options: TaskOptions): TaskPlan {
    if (options === TaskOptions.defaults()) return TaskPlan.PLAIN
    val lane = options.lane().map { laneNamed(it) }.orElse(null)
    val timeout = options.timeout().map { it.toNanos() }.orElse(0L)
    val attemptTimeout = options.attemptTimeout().map { it.toNanos() }.orElse(0L)
    return TaskPlan(lane, options.semaphore().orElse(null), options.retry(), timeout, options.name().orElse(null), stallWatchdog != null || listeners != null, attemptTimeout)
  }

  /**
   * The plan of each item of a batch whose options choose per item ([MapOptions.taskFor]), or null when every
   * item runs under `options.task()`.
   */
  fun <A> planPerItem(options: MapOptions): ((A) -> TaskPlan)? =
    if (!options.choosesPerItem()) null else { item -> plan(options.taskFor(item)) }

  /** Each lane's permits held and tasks waiting now, in declaration order. */
  fun laneStats(): List<LaneStats> = lanes.values.map { LaneStats(it.name, it.limit, it.limit - it.permits.availablePermits, it.waiting.get()) }

  fun laneNamed(lane: String): Lane = lanes[lane] ?: throw Refusals.unknownLane(lane, name, lanes.keys)

  // ------------------------------------------------------------------------------------------ lifecycle

  val isRunning: Boolean get() = lifecycle.isRunning

  fun ensureRunning() {
    if (!isRunning) throw Refusals.shutDown(name)
  }

  /** Counts a new unit of work in, or refuses it if the executor is shut down. */
  fun enter() {
    CallFrame.noteSubmission(owner)
    lifecycle.enter()
  }

  /**
   * Counts in a task started by a unit of work still in flight (an item of a `mapIter` stream): that unit
   * keeps the executor from terminating, so the task is admitted even after a graceful shutdown.
   */
  fun enterWithin() {
    lifecycle.enterWithin()
  }

  /** Counts a unit of work out; the last one out after shutdown terminates the executor. */
  fun exit() {
    lifecycle.exit()
  }

  /** Terminates: [termination] completes once the blocking threads have ended, none of them left alive. */
  private fun terminate() {
    stallWatchdog?.stop()
    blocking.terminate(termination)
  }

  /**
   * Launches a unit of work. ATOMIC start (unless told otherwise): the body always runs, so every
   * accepted unit completes what it owns and exits, even when cancelled before it was dispatched.
   * [stops]: what [shutdownNow] stops to stop the unit (a task's future), if not its job.
   */
  fun launchUnit(
    context: CoroutineContext = EmptyCoroutineContext,
    start: CoroutineStart = CoroutineStart.ATOMIC,
    withinUnit: Boolean = false,
    stops: Any? = null,
    body: suspend CoroutineScope.() -> Unit,
  ): Job {
    if (withinUnit) enterWithin() else enter()
    return scope.launch(context, start) {
      val job = coroutineContext.job
      val record = registerUnit(job, stops ?: job)
      try {
        body()
      } finally {
        unregisterUnit(record)
        exit()
      }
    }
  }

  /** Like [launchUnit], for a unit with a result. */
  fun <T> asyncUnit(context: CoroutineContext = EmptyCoroutineContext, body: suspend CoroutineScope.() -> T): Deferred<T> {
    enter()
    return scope.async(context, CoroutineStart.ATOMIC) {
      val job = coroutineContext.job
      val record = registerUnit(job, job)
      try {
        body()
      } finally {
        unregisterUnit(record)
        exit()
      }
    }
  }

  /**
   * Runs [body], work of this executor in a coroutine it did not launch (a task run in the caller's coroutine,
   * such as the Kotlin `callAppropriately`), as a unit [shutdownNow] can stop. A scope registers once for all its
   * children instead (see `scopeBody`).
   */
  suspend inline fun <R> stoppableUnit(body: () -> R): R {
    val job = coroutineContext.job
    val record = registerUnit(job, job)
    try {
      return body()
    } finally {
      unregisterUnit(record)
    }
  }

  /** Records a unit's [job] for [shutdownNow], which stops [stops]; stops it at once if shutdownNow already walked. */
  fun registerUnit(job: Job, stops: Any): UnitRecord = registerUnit(UnitRecord(job, stops))

  /** Like the other [registerUnit], for a record the caller made. */
  fun <R : UnitInFlight> registerUnit(record: R): R {
    units.register(record)
    if (stoppingAll) stopRunning(record.stops) // after registering: shutdownNow sets the flag before its walk
    return record
  }

  fun unregisterUnit(record: UnitInFlight) {
    units.unregister(record)
  }

  /** The plain-child base of the last scope opened (see [PlainChildBase]); any scope may replace it. */
  @Volatile @JvmField var lastPlainChildBase: PlainChildBase? = null

  /** Counts a task as submitted around [submit], which launches it; a refused submission is not counted. */
  inline fun <R> countedIn(submit: () -> R): R {
    counters.submitted.increment()
    try {
      return submit()
    } catch (e: ExecutorShutdownException) {
      counters.submitted.decrement()
      throw e
    }
  }

  /**
   * Completes a task's [future] with its [outcome], counts it and tells its [trace]; a [spawned] task's failure is
   * reported.
   */
  fun finishTask(future: TaskFuture<*>, outcome: Any?, spawned: Boolean, trace: TaskTrace?) {
    future.completeWith(outcome)
    val expired = (future as? TimedTaskFuture<*>)?.expired
    val result = if (expired != null) Failed(expired) else outcome // the deadline passed first: that is the outcome
    counters.finished(future.isCancelled, future.isCompletedExceptionally)
    trace?.finished(future)
    if (spawned && result is Failed && result.error !is CancellationException && !future.isCancelled) {
      reportUncaught(result.error)
    }
  }

  /**
   * Submits one task whose [body] returns a value or a [Failed].
   *
   * The task's coroutine starts UNDISPATCHED: it takes its permits on the submitting thread, at once or
   * in the semaphores' FIFO queues, so tasks submitted one after another start in submission order. An
   * async body ([TaskKind.hop]) is then moved off the submitter's thread with one dispatch before it runs; a
   * blocking body needs no hop, as its call is dispatched to the blocking threads anyway. A stream's item
   * ([TaskKind.withinUnit]) starts dispatched instead. The coroutine runs in [context].
   */
  fun <T> submitTask(
    plan: TaskPlan,
    kind: TaskKind,
    context: CoroutineContext = plan.context,
    slot: HeldSlot? = null,
    body: suspend () -> Any?,
  ): TaskFuture<T> {
    val withinUnit = kind.withinUnit
    val admission = if (queueLimited) Admission(this, withinUnit) else null // refused here if the queue is full
    val future = if (plan.timeoutNanos == 0L) TaskFuture<T>() else TimedTaskFuture<T>()
    val submitter = Thread.currentThread()
    try {
      future.runningOn(countedIn {
        launchUnit(if (admission == null) context else context + admission,
          if (withinUnit) CoroutineStart.ATOMIC else CoroutineStart.UNDISPATCHED, withinUnit, stops = if (withinUnit) null else future) {
          val trace = listeners?.queued(plan.name, plan.lane?.name, kind.blocking) // accepted: the unit was entered
          val deadline = deadline(future, plan.timeoutNanos) { "${plan.describe()} timed out after ${plan.timeoutNanos.nanoseconds}" }
          val outcome = try {
            runTask(plan, coroutineContext.job, slot, timedHere = deadline == null, trace) {
              if (kind.hop && Thread.currentThread() === submitter) yield()
              body()
            }
          } catch (e: Throwable) {
            Failed(e) // cancelled, or anything a stage did that the body did not catch: never lost
          }
          deadline?.cancel()
          admission?.started() // ended without starting: no longer waiting
          finishTask(future, outcome, kind.spawned, trace)
        }
      }) // a future completed before its job was recorded (a cancel, a deadline) stops the job now
    } catch (e: ExecutorShutdownException) {
      admission?.started() // refused: never waited
      throw e
    }
    return future
  }

  /**
   * Fails [future], if it is a [TimedTaskFuture], at the deadline [timeoutNanos] from now, not once the work has
   * stopped (the work keeps its permits until then). Timed by [schedule]: on `Dispatchers.Default`, by the
   * runtimes' [SharedTimer], whose action threads belong to no executor and no dispatcher, so callbacks that block
   * every thread of the dispatcher cannot hold a deadline up, and a blocking callback of the timed-out future
   * holds up only its own action thread. Returns the timer, to call off once the work has ended, or null if none.
   */
  fun deadline(future: TaskFuture<*>, timeoutNanos: Long, message: () -> String): Timed? =
    if (future !is TimedTaskFuture<*>) null else schedule(timeoutNanos) {
      val expired = TimeoutException(message())
      EngineLog.timedOut(name, expired.message)
      future.expire(expired)
    }

  /**
   * Runs [action] once [delayNanos] have passed, unless called off first. On `Dispatchers.Default` it is timed
   * by the runtimes' [SharedTimer], off every dispatcher; on a dispatcher of the caller's own it is timed by that
   * dispatcher's clock (a test dispatcher's virtual time), in [timerScope].
   */
  fun schedule(delayNanos: Long, action: () -> Unit): Timed {
    if (dispatcher === Dispatchers.Default) return SharedTimer.schedule(action, delayNanos)
    val timer = timerScope.launch {
      delay(delayNanos.nanoseconds)
      action()
    }
    return Timed { timer.cancel(); true }
  }

  // ------------------------------------------------------------------------------------------ the queue

  /** Submits a task without options through the [queue]. */
  fun <T> submitQueued(task: QueuedTask<T>): TaskFuture<T> = queue.submit(task)

  /** Runs [block] on the calling thread marked as one of the executor's non-blocking workers (see [WorkerMark]). */
  inline fun <R> asNonBlockingWorker(block: () -> R): R = WorkerMark.with(nonBlockingMark, block)

  /** Gives a worker slot back; if tasks wait in the queue, a worker takes them up. */
  fun releaseWorker() {
    workers.release()
    queue.slotReleased()
  }

  /** Runs [block] on the executor's dispatcher. */
  fun dispatch(context: CoroutineContext, block: Runnable) {
    dispatcher.dispatch(context, block)
  }

  fun shutdown(wait: Boolean, cancelFutures: Boolean) {
    if (wait) {
      val mark = WorkerMark.current()
      check(mark == null || mark.owner !== owner) {
        "shutdown(wait = true) / close() called from a task of executor $name would wait for itself; " +
          "call shutdown(false, cancelFutures) and compose termination() instead"
      }
    }
    if (cancelFutures) gate.close() // before the bit: see the overview
    lifecycle.shutdown()
    if (cancelFutures) cancelWhatHasNotStarted()
    if (wait) awaitTermination()
  }

  /**
   * Shuts down and stops everything: what has not started is cancelled (and the futures of tasks their callers
   * hold are returned), then what runs is stopped. Closing the [gate] and setting [stoppingAll] before the walks means
   * a task starting meanwhile either is found by them or sees a flag and stops itself.
   */
  fun shutdownNow(): List<CompletableFuture<*>> {
    gate.close()
    stoppingAll = true
    lifecycle.shutdown()
    val neverStarted = ArrayList<CompletableFuture<*>>()
    val waitingToStart = java.util.Collections.newSetFromMap(java.util.IdentityHashMap<Job, Boolean>())
    waitingToStart.addAll(gate.waitingJobs())
    val running = units.snapshot()
    for (unit in running) {
      if (unit.job !in waitingToStart) continue
      val stops = unit.stops
      if (stops is TaskFuture<*>) { // a Java task with options, waiting for a permit
        if (stops.completeExceptionally(gate.notStarted())) neverStarted.add(stops)
      } else {
        unit.job.cancel(gate.notStarted())
      }
    }
    for (job in waitingToStart) job.cancel(gate.notStarted()) // registered after the snapshot: not listed, still cancelled
    queue.drain(neverStarted::add)
    for (stream in openStreams) stream.cutShort(streamCutShort())
    for (task in queue.runningTasks()) stopRunning(task)
    for (unit in units.snapshot()) stopRunning(unit.stops)
    return neverStarted
  }

  /** Stops a task that runs: completes its future as cancelled (which stops its work), or cancels its job. */
  private fun stopRunning(stops: Any) {
    if (stops is TaskFuture<*>) stops.completeExceptionally(Cancellations.stoppedNow(name))
    else (stops as Job).cancel(Cancellations.stoppedNow(name))
  }

  /** Cancels the tasks that have not started and cuts the open streams short. */
  private fun cancelWhatHasNotStarted() {
    gate.close()
    val reason = gate.notStarted()
    for (job in gate.waitingJobs()) job.cancel(reason)
    queue.drain {}
    for (stream in openStreams) stream.cutShort(streamCutShort())
  }

  /**
   * Waits for termination. Interrupted, it cancels what has not started, as shutdown(false, true) does,
   * and waits on for the work that runs (in the manner of `ExecutorService.close()`); the interrupt
   * status is set again on return.
   */
  private fun awaitTermination() {
    var interrupted = false
    while (true) {
      try {
        termination.get()
        break
      } catch (e: InterruptedException) {
        if (!interrupted) cancelWhatHasNotStarted()
        interrupted = true
      }
    }
    if (interrupted) Thread.currentThread().interrupt()
  }

  /** Once terminated nothing runs, though a queue worker may not have handed its slot back yet. */
  fun stats(): ExecutorStats =
    counters.snapshot(if (termination.isDone) 0L else (maxWorkers - workers.availablePermits).toLong().coerceAtLeast(0))

  fun reportUncaught(error: Throwable) = UncaughtErrors.report(uncaughtErrorHandler, name, error)

  // ------------------------------------------------------------------------------------------ task bodies

  /** Calls an async task on the current (non-blocking) worker and awaits its stage. */
  suspend fun callAsync(taskName: String?, start: () -> CompletionStage<*>?): Any? {
    val stage = startStage(taskName, start)
    return when (stage) {
      is CompletionStage<*> -> watchedWait(taskName, stage.isDoneNow()) { stage.awaitOutcome() }
      is NestedStage -> {
        // The task waits for work of this executor that it started: it gives its slot to that work.
        val slot = coroutineContext[HeldSlot]
        if (slot != null && slot.engine === this && slot.tryPark()) releaseWorker()
        stage.stage.awaitOutcome()
      }
      else -> stage
    }
  }

  /**
   * Runs [wait], a task's wait for its stage while it holds a worker slot, as a wait the stall watchdog
   * (if on) counts towards "every slot held by waiting tasks"; a stage already [done] is not counted.
   */
  inline fun <R> watchedWait(taskName: String?, done: Boolean, wait: () -> R): R {
    val waiting = if (stallWatchdog == null || done) null else stallWatchdog.awaiting(taskName ?: "a task of $name")
    try {
      return wait()
    } finally {
      waiting?.done()
    }
  }

  /**
   * Calls [start]: returns the stage it returned, or a [Failed] if it threw or returned null. The call
   * is a stretch of non-blocking work that the stall watchdog, if on, watches.
   */
  inline fun startStage(taskName: String?, start: () -> CompletionStage<*>?): Any {
    val busy = stallWatchdog?.enter(taskName ?: "a task of $name")
    val frame = CallFrame.current()
    val outerOwner = frame.owner()
    val outerNested = frame.startedNested()
    frame.enter(owner)
    var nested: Boolean
    val started = try {
      start() ?: Failed(NullPointerException("the task returned null instead of a CompletionStage"))
    } catch (e: Throwable) {
      Failed(e)
    } finally {
      nested = frame.startedNested()
      frame.leave(outerOwner, outerNested)
      busy?.exit()
    }
    return if (nested && started is CompletionStage<*> && !started.isDoneNow()) NestedStage(started) else started
  }
}

/**
 * A stage returned by an async task's call that started work of its own executor: the task waits for
 * that work, so it must not hold the worker slot the work needs (see [CallFrame]).
 */
internal class NestedStage(@JvmField val stage: CompletionStage<*>)

/** Whether the stage is known to be complete (a stage that is not a future cannot tell: false). */
internal fun CompletionStage<*>.isDoneNow(): Boolean = this is java.util.concurrent.Future<*> && isDone
