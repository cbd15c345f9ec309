// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.AsyncSemaphore
import dev.corobridge.AsyncTask
import dev.corobridge.ExecutorShutdownException
import dev.corobridge.ExecutorStats
import dev.corobridge.MapOptions
import dev.corobridge.NotSupportedException
import dev.corobridge.OutOfResourcesException
import dev.corobridge.TaskOptions
import dev.corobridge.internal.Cancellations
import dev.corobridge.internal.Failures
import dev.corobridge.internal.OwnThreads
import dev.corobridge.internal.SharedTimer
import dev.corobridge.internal.StallWatchdog
import dev.corobridge.internal.Timed
import dev.corobridge.internal.WorkerThreads
import dev.corobridge.internal.scope.CallFrame
import dev.corobridge.internal.scope.LendingWait
import dev.corobridge.spi.ExecutorConfig
import java.util.concurrent.Callable
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.TimeoutException
import java.util.concurrent.SynchronousQueue
import java.util.concurrent.ThreadPoolExecutor
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicLong
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.coroutines.coroutineContext
import kotlin.coroutines.intrinsics.createCoroutineUnintercepted
import kotlin.coroutines.intrinsics.intercepted
import kotlin.coroutines.resume
import kotlin.time.Duration.Companion.nanoseconds
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.async
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.delay
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.job
import kotlinx.coroutines.launch
import kotlinx.coroutines.runInterruptible
import kotlinx.coroutines.sync.Semaphore
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.coroutines.yield

/*
 * Overview
 *
 * One Engine backs one executor. Every unit of work (a task, a map batch) is a root coroutine, and a
 * mapIter stream is no coroutine at all (see SlidingWindow): no shared parent Job, because attaching
 * thousands of children to one Job from many threads is both a contention point and a few hundred bytes
 * per task. Instead `lifecycle` counts the units in flight next to a SHUTDOWN bit, in one AtomicLong: a
 * unit enters with one increment (refused if the bit is set, unless a unit still in flight starts it)
 * and exits with one decrement; the executor terminates when the count reaches zero with the bit set.
 * Coroutines run on Dispatchers.Default; blocking calls run with runInterruptible on the executor's own
 * elastic pool of blocking threads (shut down at termination), so cancelling them interrupts the thread
 * and the coroutine resumes only once the call has really returned. Measured on 2 cores, kotlinx's
 * shared IO scheduler took 4x longer than a plain cached pool to run 10,000 sleeps 1,000 at a time,
 * hence the own pool (benchmarks/RESULTS.md, scenario 2b).
 *
 * Tasks without options go through `queue` (FIFO): worker coroutines, each holding one worker slot,
 * drain it, so a queued task has no coroutine of its own and costs no dispatch. Tasks with options
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
 * shutdown(cancelFutures): tasks that have not started yet are cancelled. The queue is drained; a queue
 * worker checks `cancelQueued` before starting each task. A task with options that has to wait for a
 * permit on its first attempt registers the job to cancel in `waiting` for as long as it waits; after
 * taking its worker slot it checks `cancelQueued` once more before starting. Setting the flag before
 * walking `waiting` means every not-yet-started task either is found there or sees the flag.
 *
 * shutdownNow(): what has not started is cancelled as above, then what runs is stopped. With no shared parent
 * Job, the running work is found through two records kept for this alone: `units` (UnitRegistry: a unit's job and
 * what to stop, the job or a Java task's future) and `queueWorkers`, each worker showing the task it took up last. A unit
 * registers at its start and a worker writes its task before it reads `cancelQueued`; shutdownNow sets its flags
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

  private val nonBlockingMark = WorkerMark(this, owner, blocking = false)
  private val blockingMark = WorkerMark(this, owner, blocking = true)
  private val commandMark = WorkerMark(this, owner, blocking = true, holdsSlot = false)

  /** The scope every unit of work of this executor is launched in: no Job, so each unit is a root. */
  val scope: CoroutineScope = object : CoroutineScope {
    override val coroutineContext: CoroutineContext = dispatcher + CoroutineName(name) +
      WorkerMarkElement(nonBlockingMark) + CoroutineExceptionHandler { _, error -> reportUncaught(error) }
  }

  /**
   * The executor's own blocking threads: created on demand, reused, idle ones retired after a minute,
   * all shut down when the executor terminates. Elastic: the number of blocking calls is bounded by the
   * worker slots (plus slots lent by runBlocking), not by the pool.
   */
  private val ownThreads = OwnThreads(WorkerThreads.factory(name, "blocking", config.preferVirtualThreads()))
  private val blockingThreads = ThreadPoolExecutor(0, Int.MAX_VALUE, 60, TimeUnit.SECONDS, SynchronousQueue(), ownThreads)
  private val blockingDispatcher = blockingThreads.asCoroutineDispatcher()

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

  val workers = Semaphore(maxWorkers)
  private val lanes: Map<String, Lane> = config.lanes().mapValues { (lane, limit) -> Lane(lane, limit) }
  val counters = Counters()

  /** [SHUTDOWN] bit | the number of units of work in flight. */
  private val lifecycle = AtomicLong()
  @Volatile private var cancelQueued = false

  /**
   * Queue workers launched or between tasks, that is, about to poll the queue. A submission launches a
   * worker only when none is searching, and a worker that takes a task while more wait wakes one
   * helper: a burst of tasks wakes a few workers instead of one per task. Every path that stops
   * searching re-checks the queue afterwards, so no task is stranded.
   */
  private val searching = java.util.concurrent.atomic.AtomicInteger()

  /** Tasks without options, in submission order, waiting for a queue worker. */
  private val queue = ConcurrentLinkedQueue<QueuedTask<*>>()

  /** The most tasks waiting to start ([Int.MAX_VALUE]: no bound, and then nothing is counted). */
  private val queueCapacity: Int = config.queueCapacity().orElse(Int.MAX_VALUE)
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
      throw OutOfResourcesException("$name refused a task: its queue of $queueCapacity tasks waiting to start is full " +
        "($maxWorkers workers busy)")
    }
  }

  /** The mapIter streams not yet ended: a shutdown with cancelFutures cuts them short. */
  private val openStreams = ConcurrentHashMap.newKeySet<SlidingWindow.Window>()

  fun streamOpened(stream: SlidingWindow.Window) {
    openStreams.add(stream)
    if (cancelQueued) stream.cutShort(streamCutShort()) // the shutdown walked the streams before this one came
  }

  fun streamClosed(stream: SlidingWindow.Window) {
    openStreams.remove(stream)
  }

  private fun streamCutShort() = Cancellations.streamCutShort(name)

  /** Waiting coroutine's job -> the job to cancel if the executor is shut down with cancelFutures. */
  private val waiting = ConcurrentHashMap<Job, Job>()

  /**
   * The work in flight that [shutdownNow] stops: each unit's job and what to stop, the job itself or, for a
   * Java task with options, its future (which stops the job and completes at once, as a caller's cancel does).
   * Tasks without options are not here: they run on queue workers, found in [queueWorkers].
   */
  private val units = UnitRegistry()

  /** The queue workers alive, each showing the task it runs. */
  private val queueWorkers = QueueWorkers()

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
    return TaskPlan(lane, options.semaphore().orElse(null), options.retry(), timeout, options.name().orElse(null), stallWatchdog != null, attemptTimeout)
  }

  /**
   * The plan of each item of a batch whose options choose per item ([MapOptions.taskFor]), or null when every
   * item runs under `options.task()`.
   */
  fun <A> planPerItem(options: MapOptions): ((A) -> TaskPlan)? =
    if (!options.choosesPerItem()) null else { item -> plan(options.taskFor(item)) }

  fun laneNamed(lane: String): Lane = lanes[lane]
    ?: throw IllegalArgumentException("unknown lane \"$lane\"; this executor has lanes ${lanes.keys}")

  // ------------------------------------------------------------------------------------------ lifecycle

  val isRunning: Boolean get() = lifecycle.get() and SHUTDOWN == 0L

  fun ensureRunning() {
    if (!isRunning) throw rejection()
  }

  private fun rejection() = ExecutorShutdownException("executor $name is shut down and accepts no new work")

  /** Counts a new unit of work in, or refuses it if the executor is shut down. */
  fun enter() {
    CallFrame.noteSubmission(owner)
    if (lifecycle.getAndIncrement() and SHUTDOWN != 0L) {
      exit()
      throw rejection()
    }
  }

  /**
   * Counts in a task started by a unit of work still in flight (an item of a `mapIter` stream): that unit
   * keeps the executor from terminating, so the task is admitted even after a graceful shutdown.
   */
  private fun enterWithin() {
    lifecycle.incrementAndGet()
  }

  /** Counts a unit of work out; the last one out after shutdown terminates the executor. */
  fun exit() {
    if (lifecycle.decrementAndGet() == SHUTDOWN) terminate()
  }

  /** Terminates: [termination] completes once the blocking threads have ended, none of them left alive. */
  private fun terminate() {
    stallWatchdog?.stop()
    blockingThreads.shutdown()
    ownThreads.completeWhenAllEnded(termination)
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
   * children instead ([registerUntilComplete]).
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
  fun registerUnit(job: Job, stops: Any): UnitRecord {
    val record = units.register(job, stops)
    if (stoppingAll) stopRunning(stops) // after registering: shutdownNow sets the flag before its walk
    return record
  }

  fun unregisterUnit(record: UnitRecord) {
    units.unregister(record)
  }

  /** Records [job] (a scope's) as a unit [shutdownNow] stops, until the job completes, its children included. */
  fun registerUntilComplete(job: Job) {
    val record = registerUnit(job, job)
    job.invokeOnCompletion { unregisterUnit(record) }
  }

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

  private fun finishTask(future: TaskFuture<*>, outcome: Any?, spawned: Boolean) {
    future.completeWith(outcome)
    val expired = (future as? TimedTaskFuture<*>)?.expired
    val result = if (expired != null) Failed(expired) else outcome // the deadline passed first: that is the outcome
    counters.finished(future.isCancelled, future.isCompletedExceptionally)
    if (spawned && result is Failed && result.error !is CancellationException && !future.isCancelled) {
      reportUncaught(result.error)
    }
  }

  /**
   * Submits one task whose [body] returns a value or a [Failed].
   *
   * The task's coroutine starts UNDISPATCHED: it takes its permits on the submitting thread, at once or
   * in the semaphores' FIFO queues, so tasks submitted one after another start in submission order. An
   * async body ([hop]) is then moved off the submitter's thread with one dispatch before it runs; a
   * blocking body needs no hop, as callBlocking dispatches to the blocking pool anyway. The coroutine
   * runs in [context].
   *
   * [withinUnit]: the task is an item of a unit of work still in flight (a `mapIter` stream), admitted
   * even after a graceful shutdown (see [enterWithin]); it starts dispatched, because the caller is the
   * stream's consumer, which goes on to wait for its oldest item, and needs no [hop].
   */
  fun <T> submitTask(
    plan: TaskPlan,
    spawned: Boolean,
    hop: Boolean,
    context: CoroutineContext = plan.context,
    withinUnit: Boolean = false,
    slot: HeldSlot? = null,
    body: suspend () -> Any?,
  ): TaskFuture<T> {
    val admission = if (queueLimited) Admission(this, withinUnit) else null // refused here if the queue is full
    val future = if (plan.timeoutNanos == 0L) TaskFuture<T>() else TimedTaskFuture<T>()
    val submitter = Thread.currentThread()
    try {
      future.runningOn(countedIn {
        launchUnit(if (admission == null) context else context + admission,
          if (withinUnit) CoroutineStart.ATOMIC else CoroutineStart.UNDISPATCHED, withinUnit, stops = if (withinUnit) null else future) {
          val deadline = deadline(future, plan.timeoutNanos) { "${plan.describe()} timed out after ${plan.timeoutNanos.nanoseconds}" }
          val outcome = try {
            runTask(plan, coroutineContext.job, slot, timedHere = deadline == null) {
              if (hop && Thread.currentThread() === submitter) yield()
              body()
            }
          } catch (e: Throwable) {
            Failed(e) // cancelled, or anything a stage did that the body did not catch: never lost
          }
          deadline?.cancel()
          admission?.started() // ended without starting: no longer waiting
          finishTask(future, outcome, spawned)
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
    if (future !is TimedTaskFuture<*>) null else schedule(timeoutNanos) { future.expire(TimeoutException(message())) }

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

  /**
   * Submits a task without options through the queue: FIFO, and no coroutine of its own while it
   * waits. Workers are coroutines that each hold one worker slot and run queued tasks one after another.
   * [withinUnit]: the task is part of a unit of work still in flight (see [enterWithin]).
   */
  fun <T> submitQueued(call: Any, kind: Int, spawned: Boolean, withinUnit: Boolean = false): TaskFuture<T> {
    if (withinUnit) enterWithin() else enter()
    if (queueLimited) {
      try {
        admitWaiting(withinUnit)
      } catch (e: OutOfResourcesException) {
        exit()
        throw e
      }
    }
    counters.submitted.increment()
    val task = QueuedTask<T>(call, kind, spawned, item = withinUnit)
    queue.offer(task)
    if (searching.get() == 0) trySpawnWorker()
    return task
  }

  /** Gives a worker slot back; if tasks wait in the queue, a worker takes them up. */
  fun releaseWorker() {
    workers.release()
    if (!queue.isEmpty()) trySpawnWorker()
  }

  /**
   * Starts a queue worker if tasks wait and a worker slot is free (see [searching] for when). A worker holds that slot and runs
   * queued tasks one after another. After a task, if no slot is free (only then can a task with options
   * be waiting for one), it gives its slot back and tries to take it again, so that the waiting task
   * gets it first (and, when it gives the slot back in turn, restarts the queue). An empty queue is checked again after the slot is given back, so a task
   * enqueued meanwhile is never stranded. The loop is written out in the coroutine's own body, and waits
   * without cancellation support (a worker is never cancelled; a queued task is stopped by cancelling
   * its stage or its blocking call): a parked task costs one coroutine and one callback, nothing more.
   */
  private fun trySpawnWorker() {
    if (queue.isEmpty() || !workers.tryAcquire()) return
    searching.incrementAndGet()
    val worker = QueueWorker(scope.coroutineContext, this)
    queueWorkers.add(worker)
    val loop: suspend () -> Unit = {
      try {
        runQueueWorker(worker)
      } finally {
        queueWorkers.remove(worker)
      }
    }
    loop.createCoroutineUnintercepted(worker).intercepted().resume(Unit) // dispatched, as launch would
  }

  @Suppress("NOTHING_TO_INLINE") // inlined: the loop is written out in the worker coroutine's own body, no frame of its own
  private suspend inline fun runQueueWorker(worker: QueueWorker) {
    while (true) { // this worker counts as searching here
      val task = queue.poll()
      if (task != null && queueLimited) waitingToStart.decrementAndGet()
      if (task == null) {
        searching.decrementAndGet()
        workers.release()
        if (queue.isEmpty() || !workers.tryAcquire()) return
        searching.incrementAndGet()
        continue
      }
      if (searching.decrementAndGet() == 0 && !queue.isEmpty()) trySpawnWorker() // more waits: wake one helper
      worker.current = task // before reading cancelQueued: shutdownNow sets it before it looks at the workers
      try {
        if (!task.isDone && cancelQueued) task.completeExceptionally(notStarted()) // cancelled, saying why
        if (task.isDone) {
          counters.finished(task.isCancelled, task.isCompletedExceptionally) // cancelled while queued
        } else {
          val outcome = try {
            runQueued(task)
          } catch (e: Throwable) {
            Failed(e) // never lost, whatever the task or a stage it returned did
          }
          finishTask(task, outcome, task.spawned)
        }
      } finally {
        exit()
      }
      if (task.parked) return // its slot went back when it parked: this worker is done
      searching.incrementAndGet()
      if (workers.availablePermits == 0) {
        workers.release()
        if (!workers.tryAcquire()) {
          searching.decrementAndGet()
          return
        }
      }
    }
  }

  @Suppress("NOTHING_TO_INLINE")
  private suspend inline fun runQueued(task: QueuedTask<*>): Any? {
    val result = if (task.kind == QueuedTask.ASYNC) {
      startStage(null, (task.call as AsyncTask<*>)::call)
    } else {
      val call = task.call as Callable<*>
      val follows = task.kind == QueuedTask.APPROPRIATE
      val blocking = scope.async(blockingDispatcher) {
        runInterruptible {
          callMarkedBlocking(call).also {
            // Recorded on the blocking thread, before the call's coroutine can be cancelled away with the
            // stage as its result: a cancel from now on reaches the stage (callAppropriately).
            if (follows && it is CompletionStage<*>) task.runningOn(it.asFuture())
          }
        }
      }
      task.runningOn(blocking)
      try {
        blocking.await()
      } catch (e: CancellationException) {
        Failed(e)
      }
    }
    if (result is NestedStage) {
      // The task waits for work of this executor that it started: it gives its slot to that work.
      task.parked = true
      releaseWorker()
      val stage = result.stage.asFuture()
      task.runningOn(stage)
      return stage.awaitOutcomeUncancellable()
    }
    if (result !is CompletionStage<*> || task.kind == QueuedTask.BLOCKING) return result
    val stage = result.asFuture()
    task.runningOn(stage)
    return watchedWait(null, stage.isDone) { stage.awaitOutcomeUncancellable() }
  }

  fun shutdown(wait: Boolean, cancelFutures: Boolean) {
    if (wait) {
      val mark = WorkerMark.current()
      check(mark == null || mark.owner !== owner) {
        "shutdown(wait = true) / close() called from a task of executor $name would wait for itself; " +
          "call shutdown(false, cancelFutures) and compose termination() instead"
      }
    }
    if (cancelFutures) cancelQueued = true // before the bit: see the overview
    if (lifecycle.getAndUpdate { it or SHUTDOWN } == 0L) terminate()
    if (cancelFutures) cancelWhatHasNotStarted()
    if (wait) awaitTermination()
  }

  /**
   * Shuts down and stops everything: what has not started is cancelled (and the futures of tasks their callers
   * hold are returned), then what runs is stopped. Setting [cancelQueued] and [stoppingAll] before the walks means
   * a task starting meanwhile either is found by them or sees a flag and stops itself.
   */
  fun shutdownNow(): List<CompletableFuture<*>> {
    cancelQueued = true
    stoppingAll = true
    if (lifecycle.getAndUpdate { it or SHUTDOWN } == 0L) terminate()
    val neverStarted = ArrayList<CompletableFuture<*>>()
    val waitingToStart = java.util.Collections.newSetFromMap(java.util.IdentityHashMap<Job, Boolean>())
    waitingToStart.addAll(waiting.values)
    val running = units.snapshot()
    for (unit in running) {
      if (unit.job !in waitingToStart) continue
      val stops = unit.stops
      if (stops is TaskFuture<*>) { // a Java task with options, waiting for a permit
        if (stops.completeExceptionally(notStarted())) neverStarted.add(stops)
      } else {
        unit.job.cancel(notStarted())
      }
    }
    for (job in waitingToStart) job.cancel(notStarted()) // registered after the snapshot: not listed, still cancelled
    drainQueue { if (!it.item) neverStarted.add(it) }
    for (stream in openStreams) stream.cutShort(streamCutShort())
    for (task in queueWorkers.currentTasks()) stopRunning(task)
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
    cancelQueued = true
    val reason = notStarted()
    for (job in waiting.values) job.cancel(reason)
    drainQueue {}
    for (stream in openStreams) stream.cutShort(streamCutShort())
  }

  /** Cancels every task waiting in the queue, telling [cancelled] of each one this call cancelled. */
  private inline fun drainQueue(cancelled: (QueuedTask<*>) -> Unit) {
    while (true) {
      val task = queue.poll() ?: break
      if (queueLimited) waitingToStart.decrementAndGet()
      if (task.completeExceptionally(notStarted())) cancelled(task) // cancelled (isCancelled() holds), saying why
      counters.finished(task.isCancelled, task.isCompletedExceptionally)
      exit()
    }
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

  fun reportUncaught(error: Throwable) {
    try {
      uncaughtErrorHandler.accept(error)
    } catch (handlerFailure: Throwable) {
      handlerFailure.addSuppressed(error)
      System.getLogger("dev.corobridge").log(System.Logger.Level.ERROR, "onUncaughtError handler of $name failed", handlerFailure)
    }
  }

  // ------------------------------------------------------------------------------------------ running tasks

  /**
   * Like [runTask], written out in the caller when the plan asks for nothing but a worker slot and one
   * is free: no suspend frame and no lambda between taking the slot and running [body].
   */
  suspend inline fun runTaskFast(plan: TaskPlan, owner: Job, crossinline body: suspend () -> Any?): Any? {
    if (plan.plain && workers.tryAcquire()) {
      try {
        ensureStartAllowed(coroutineContext.job)
        return body()
      } finally {
        releaseWorker()
      }
    }
    return runTask(plan, owner) { body() }
  }

  /** Calls one item of a batch: its value or a [Failed]. */
  suspend inline fun <A> callItem(call: ItemCall<A>, item: A): Any? = when (call) {
    is ItemCall.Stage -> {
      val stage = startStage(null) { call.fn(item) }
      when (stage) {
        is CompletionStage<*> -> stage.awaitOutcome()
        is NestedStage -> {
          // The item waits for work of this executor that it started: it gives its slot to that work.
          val slot = coroutineContext[HeldSlot]
          if (slot != null && slot.engine === this && slot.tryPark()) releaseWorker()
          stage.stage.awaitOutcome()
        }
        else -> stage
      }
    }
    is ItemCall.Suspending -> call.fn(item)
    is ItemCall.Transform -> try {
      call.fn(item)
    } catch (e: CancellationException) {
      throw e
    } catch (e: Throwable) {
      Failed(e)
    }
  }

  /**
   * Runs a task under its plan and returns its value or a [Failed]. [owner] is the job to cancel if the
   * executor is shut down with cancelFutures before the task starts. Throws CancellationException only
   * when the calling coroutine is cancelled. [timedHere]: the plan's timeout is applied here (false when
   * the caller enforces it, see [submitTask]).
   */
  suspend fun runTask(plan: TaskPlan, owner: Job, slot: HeldSlot? = null, timedHere: Boolean = true, body: suspend () -> Any?): Any? {
    if (plan.plain) return attempt(plan, owner, slot, body)
    if (plan.timeoutNanos == 0L || !timedHere) return attempts(plan, owner, slot, body)
    var outcome: Any? = NO_OUTCOME
    withTimeoutOrNull(plan.timeoutNanos.nanoseconds) { outcome = attempts(plan, owner, slot, body) }
    return if (outcome !== NO_OUTCOME) outcome else Failed(TimeoutException("${plan.describe()} timed out after ${plan.timeoutNanos.nanoseconds}"))
  }

  private suspend fun attempts(plan: TaskPlan, owner: Job, slot: HeldSlot?, body: suspend () -> Any?): Any? {
    val policy = plan.retry
    var history: ArrayList<Throwable>? = null
    var retry = 0
    while (true) {
      val outcome = attempt(plan, if (retry == 0) owner else null, slot, body)
      val error = (outcome as? Failed)?.error
      if (error == null && !policy.retriesResults()) return outcome
      // The rule every runtime applies (and the policy's listeners), judged here, holding nothing.
      val wait = policy.retryDelayNanos(retry + 1, if (error == null) outcome else null, error)
      if (wait < 0) {
        if (error != null) history?.let { Failures.attachEarlierAttempts(error, it) }
        return outcome
      }
      if (error != null) (history ?: ArrayList<Throwable>().also { history = it }).add(error)
      retry++
      counters.retried.increment()
      delay(wait.nanoseconds)
    }
  }

  /**
   * One attempt: permits in order semaphore, lane, worker; released in reverse once [body] has returned.
   * [slot]: the task's [HeldSlot] marker, if it has one (Kotlin tasks, Java tasks with options), told
   * when the worker slot is taken and consulted before it goes back (a parked task gave it back already).
   */
  private suspend fun attempt(plan: TaskPlan, owner: Job?, slot: HeldSlot?, body: suspend () -> Any?): Any? {
    val semaphore = plan.semaphore
    if (semaphore != null) acquireShared(semaphore, owner)
    try {
      val lane = plan.lane
      if (lane != null) acquire(lane.permits, owner)
      try {
        acquire(workers, owner)
        if (queueLimited) coroutineContext[Admission]?.started()
        slot?.taken()
        try {
          if (owner != null) ensureStartAllowed(coroutineContext.job)
          if (plan.attemptTimeoutNanos == 0L) return body()
          // The attempt alone is bounded: on expiry its work is cancelled and waited for (the slot stays
          // taken until it has stopped), and the attempt fails with a TimeoutException that may be retried.
          var outcome: Any? = NO_OUTCOME
          withTimeoutOrNull(plan.attemptTimeoutNanos.nanoseconds) { outcome = body() }
          return if (outcome !== NO_OUTCOME) outcome
          else Failed(TimeoutException("an attempt of ${plan.describe()} did not finish within its attemptTimeout of ${plan.attemptTimeoutNanos.nanoseconds}"))
        } finally {
          if (slot == null || slot.release()) releaseWorker()
        }
      } finally {
        lane?.permits?.release()
      }
    } finally {
      semaphore?.release()
    }
  }

  /** Refuses to start a task whose coroutine is cancelled or that shutdown(cancelFutures) caught queued. */
  fun ensureStartAllowed(job: Job) {
    job.ensureActive()
    if (cancelQueued) throw notStarted()
  }

  private fun notStarted() = Cancellations.notStarted(name)

  private suspend fun acquire(permits: Semaphore, owner: Job?) {
    if (permits.tryAcquire()) return
    if (owner == null) return permits.acquire()
    val self = coroutineContext.job
    waiting[self] = owner
    try {
      if (cancelQueued) throw notStarted()
      permits.acquire()
    } finally {
      waiting.remove(self)
    }
  }

  private suspend fun acquireShared(semaphore: AsyncSemaphore, owner: Job?) {
    if (semaphore.tryAcquire()) return
    val self = coroutineContext.job
    if (owner != null) waiting[self] = owner
    val grant = semaphore.acquire()
    try {
      if (owner != null && cancelQueued) throw notStarted()
      grant.awaitOutcome()
    } catch (e: CancellationException) {
      // Withdraw the request; if the permit was granted meanwhile, hand it back.
      if (!grant.cancel(false) && !grant.isCompletedExceptionally) semaphore.release()
      throw e
    } finally {
      if (owner != null) waiting.remove(self)
    }
  }

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
  private inline fun <R> watchedWait(taskName: String?, done: Boolean, wait: () -> R): R {
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

  /** Runs a blocking call on a blocking worker thread, interrupted if the caller is cancelled. */
  suspend fun callBlocking(call: Callable<*>): Any? = runInterruptible(blockingDispatcher) { callMarkedBlocking(call) }

  /** Where batch workers that only make blocking calls run: on the blocking threads themselves. */
  val blockingContext: CoroutineContext get() = blockingDispatcher

  /**
   * Runs a blocking call on the current thread, which must be one of the blocking threads (a batch
   * worker in [blockingContext]): no dispatch per call, and still interrupted if the caller is cancelled.
   */
  suspend fun callBlockingHere(call: Callable<*>): Any? = runInterruptible { callMarkedBlocking(call) }

  /** Calls [call] on this (blocking) thread marked as a blocking worker; its value or a [Failed]. */
  private fun callMarkedBlocking(call: Callable<*>): Any? = callMarked(blockingMark, call)

  private fun callMarked(mark: WorkerMark, call: Callable<*>): Any? = WorkerMark.with(mark) {
    try {
      call.call()
    } catch (e: Throwable) {
      Failed(e)
    }
  }

  // ------------------------------------------------------------------------------------------ runBlocking

  /**
   * Blocks the calling thread until the future [submit] returns completes. A thread that must not block
   * is refused: a non-blocking worker of any executor, or a `Dispatchers.Default` thread. A blocking
   * task of any executor lends its worker slot to the work it waits for and takes it back afterwards.
   */
  fun <T> awaitFromThread(submit: () -> CompletableFuture<T>): T {
    val worker = LendingWait.current()
    if ((worker is WorkerMark && !worker.blocking) || (worker == null && SharedDispatcher.isAsyncThread())) {
      throw blockingRefused("runBlocking")
    }
    val future = submit()
    if (worker != null) {
      try {
        worker.awaitLendingSlot(future)
      } catch (e: InterruptedException) {
        future.cancel(true)
        Thread.currentThread().interrupt()
        throw java.util.concurrent.CancellationException("interrupted while waiting for the task").apply { initCause(e) }
      } catch (e: NotSupportedException) {
        future.cancel(true) // another runtime's async worker: nothing of this call is left running
        throw e
      }
    }
    return awaitBlocking(future)
  }

  /**
   * A wait on a thread marked by this engine: from a blocking worker it lends the task's worker slot
   * until [done] completes; from a non-blocking worker it is refused.
   */
  fun awaitLendingSlot(mark: WorkerMark, done: CompletableFuture<*>) {
    if (!mark.blocking) throw blockingRefused("a blocking wait (runBlocking, TaskScope.join or close)")
    if (done.isDone) return
    if (!mark.holdsSlot) {
      waitInterruptibly(done)
      return
    }
    releaseWorker()
    try {
      waitInterruptibly(done)
    } finally {
      reacquireWorker()
    }
  }

  private fun waitInterruptibly(done: CompletableFuture<*>) {
    try {
      done.get()
    } catch (e: java.util.concurrent.ExecutionException) {
      // done; the caller reads the outcome
    } catch (e: java.util.concurrent.CancellationException) {
      // done
    }
  }

  /**
   * Runs a command of `execute` on a blocking thread at once, outside `maxWorkers`: the Executor face is
   * how libraries (an HTTP client, a driver) run their callbacks, which tasks in flight may be waiting
   * for, so holding them back behind those tasks could deadlock. Counted in the stats and the lifecycle;
   * a failure goes to the uncaught-error handler.
   */
  fun executeCommand(command: Callable<*>) {
    enter()
    counters.submitted.increment()
    scope.launch(blockingDispatcher, CoroutineStart.ATOMIC) {
      val record = registerUnit(coroutineContext.job, coroutineContext.job)
      try {
        val outcome = try {
          // caught where it is thrown: an exception crossing the suspension would come back as a copy
          runInterruptible { callMarked(commandMark, command) }
        } catch (e: Throwable) {
          Failed(e)
        }
        val failed = outcome is Failed
        counters.finished(cancelled = false, failed = failed)
        if (failed) reportUncaught((outcome as Failed).error)
      } finally {
        unregisterUnit(record)
        exit()
      }
    }
  }

  private fun blockingRefused(what: String) = NotSupportedException(
    "$what called on a thread that runs async work (a non-blocking worker of a coroutine executor, or " +
      "Dispatchers.Default): blocking it could stall every task that shares it. Compose the future instead " +
      "(submit(...), executor.scoped(...); in Kotlin, call the suspend API), or wait from a blocking task (submitBlocking)."
  )

  private fun reacquireWorker() {
    if (workers.tryAcquire()) return
    val acquired = CompletableFuture<Unit>()
    GlobalScope.launch(Dispatchers.Unconfined, start = CoroutineStart.UNDISPATCHED) {
      workers.acquire()
      acquired.complete(Unit)
    }
    acquired.join() // uninterruptible: the caller's finally will release this slot
  }

  private companion object {
    val NO_OUTCOME = Any()
    const val SHUTDOWN = 1L shl 62
  }
}


/**
 * A stage returned by an async task's call that started work of its own executor: the task waits for
 * that work, so it must not hold the worker slot the work needs (see [CallFrame]).
 */
internal class NestedStage(@JvmField val stage: CompletionStage<*>)

/** Whether the stage is known to be complete (a stage that is not a future cannot tell: false). */
internal fun CompletionStage<*>.isDoneNow(): Boolean = this is java.util.concurrent.Future<*> && isDone
