// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.OutOfResourcesException
import dev.corobridge.internal.StallWatchdog
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater
import kotlin.coroutines.Continuation
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.intrinsics.COROUTINE_SUSPENDED
import kotlin.coroutines.intrinsics.createCoroutineUnintercepted
import kotlin.coroutines.intrinsics.intercepted
import kotlin.coroutines.intrinsics.suspendCoroutineUninterceptedOrReturn
import kotlin.coroutines.resume

/**
 * The tasks of an [Engine] submitted without options: FIFO, and no coroutine of their own while they wait.
 * Queue workers are coroutines that each hold one worker slot and run queued tasks one after another, so a
 * queued task costs no dispatch of its own.
 *
 * A submission starts a worker only when none is [searching], and a worker that takes a task while more wait
 * wakes one helper: a burst of tasks wakes a few workers instead of one per task. Every path that stops searching
 * re-checks the queue afterwards, so no task is stranded. The workers alive are kept in [alive], each showing the
 * task it took up last, for [Engine.shutdownNow].
 */
internal class TaskQueue(private val engine: Engine) {
  /** Queue workers launched or between tasks, that is, about to poll the queue. */
  private val searching = AtomicInteger()

  /** Tasks waiting for a queue worker, in submission order: [QueuedTask]s and [QueuedCoroutine]s. */
  private val tasks = ConcurrentLinkedQueue<Any>()

  /** The queue workers alive, each showing the task it runs. */
  private val alive = QueueWorkers()

  /** Submits [task] through the queue, or refuses it if the executor is shut down or its queue is full. */
  fun <T> submit(task: QueuedTask<T>): TaskFuture<T> {
    engine.enter()
    if (engine.queueLimited) {
      try {
        engine.admitWaiting(withinUnit = false)
      } catch (e: OutOfResourcesException) {
        engine.exit()
        throw e
      }
    }
    engine.counters.submitted.increment()
    engine.listeners?.let { task.trace = it.queued(null, null, task is QueuedBlockingTask) } // before the queue publishes it
    WAITS_IN.lazySet(task, this) // while it waits, the queue it waits in (see runHere); the offer publishes it
    tasks.offer(task)
    if (searching.get() == 0) trySpawnWorker()
    return task
  }

  /**
   * Submits a plain Kotlin task (never refused for a full queue, as `async` never was); the caller counted it and,
   * before making it, counted it into the executor ([Engine.enter]): a task cancelled as it is made completes at once.
   */
  fun submit(task: QueuedCoroutine<*>) {
    tasks.offer(task)
    if (searching.get() == 0) trySpawnWorker()
  }

  /** A worker slot was given back: if tasks wait, a worker takes them up. */
  fun slotReleased() {
    if (!tasks.isEmpty()) trySpawnWorker()
  }

  /** The tasks the queue workers run now. */
  fun runningTasks(): List<Any> = alive.currentTasks()

  /** Cancels every task waiting in the queue, telling [cancelled] of each one this call cancelled. */
  fun drain(cancelled: (QueuedTask<*>) -> Unit) {
    while (true) {
      val task = tasks.poll() ?: break
      if (task is QueuedCoroutine<*>) {
        task.drop(engine.gate.notStarted()) // counted and counted out by its completion
        continue
      }
      task as QueuedTask<*>
      engine.stoppedWaiting()
      if (task.completeExceptionally(engine.gate.notStarted())) cancelled(task) // cancelled (isCancelled() holds), saying why
      engine.counters.finished(task.isCancelled, task.isCompletedExceptionally)
      task.trace?.finished(task)
      engine.exit()
    }
  }

  /**
   * Starts a queue worker if tasks wait and a worker slot is free (see [searching] for when). A worker holds that
   * slot and runs queued tasks one after another. After a task, if no slot is free (only then can a task with
   * options be waiting for one), it gives its slot back and tries to take it again, so that the waiting task gets
   * it first (and, when it gives the slot back in turn, restarts the queue). An empty queue is checked again after
   * the slot is given back, so a task enqueued meanwhile is never stranded.
   *
   * A worker calls a blocking task in place on one of the executor's blocking threads: it moves there when it takes
   * one up (or starts there, when a blocking task is first in the queue as it is started) and goes on from there with
   * the next task, moving back to the dispatcher only for a task that is not blocking. So a blocking task costs one
   * hand-off, as with a thread pool, instead of a dispatch there and another back; on the blocking thread the worker's
   * own code is marked as a non-blocking worker's, as on the dispatcher, and only the call as a blocking one's.
   *
   * The worker's coroutine body keeps only what must outlive a wait (the task, the stall watchdog's mark): the rest
   * happens in plain functions ([takeTask], [startTask], [endTask]), so a parked task's frame holds two references.
   * It waits without cancellation support (a worker is never cancelled; a queued task is stopped by cancelling its
   * stage or its blocking call), through the task itself as the stage's callback ([OutcomeCallback]): a parked task
   * costs one coroutine and the dependent stage of that callback, nothing more.
   */
  private fun trySpawnWorker() {
    if (tasks.isEmpty() || !engine.workers.tryAcquire()) return
    searching.incrementAndGet()
    val worker = QueueWorker(engine.scope.coroutineContext, engine)
    alive.add(worker)
    val startsBlocking = tasks.peek() is QueuedBlockingTask<*> // a guess: where the task it will take runs
    val loop: suspend () -> Unit = {
      var onBlockingThread = startsBlocking
      try {
        while (true) {
          val next = takeTask(worker) ?: break
          if (onBlockingThread && next !is QueuedBlockingTask<*>) {
            moveToDispatcher()
            onBlockingThread = false
          }
          if (next is QueuedCoroutine<*>) {
            if (runCoroutine(next)) continue else break
          }
          val task = next as QueuedTask<*>
          var outcome = try {
            startTask(task)
          } catch (e: Throwable) {
            Failed(e) // never lost, whatever the task or a stage it returned did
          }
          if (outcome === CALL_BLOCKING) {
            if (!onBlockingThread) onBlockingThread = moveToBlockingThread()
            outcome = try {
              callBlocking(task as QueuedBlockingTask<*>)
            } catch (e: Throwable) {
              Failed(e)
            }
          }
          if (outcome === WAIT) outcome = outcomeIfDone(task)
          if (outcome === WAIT) {
            onBlockingThread = false // resumed through the dispatcher
            val watched = watch(task)
            try {
              outcome = suspendCoroutineUninterceptedOrReturn { cont -> task.resumeWhenStageDone(cont.intercepted()) }
            } finally {
              watched?.done()
            }
          }
          if (!endTask(task, outcome)) break
        }
      } finally {
        alive.remove(worker)
      }
    }
    val start = loop.createCoroutineUnintercepted(worker)
    if (startsBlocking && engine.blocking.resumeWorker(start, Unit)) return
    start.intercepted().resume(Unit) // dispatched, as launch would
  }

  /**
   * Calls a blocking task on this thread, one of the blocking threads: its outcome, or [WAIT] for the stage it returned
   * if it follows one (`callAppropriately`).
   */
  private fun callBlocking(task: QueuedBlockingTask<*>): Any? {
    val result = task.callHere(engine.blocking)
    if (!task.followsStage || result !is CompletionStage<*>) return result
    task.runningOn(result.asFuture())
    return WAIT
  }

  /**
   * Moves the calling queue worker to one of the executor's blocking threads, where it calls blocking tasks in place
   * and goes on with the next task; true once there (false only if the executor has no blocking threads any more,
   * which a task still counted in rules out).
   */
  private suspend fun moveToBlockingThread(): Boolean = suspendCoroutineUninterceptedOrReturn { cont ->
    if (engine.blocking.resumeWorker(cont, true)) COROUTINE_SUSPENDED else false
  }

  /** Moves the calling queue worker back to the executor's dispatcher, where non-blocking tasks run. */
  private suspend fun moveToDispatcher(): Unit = suspendCoroutineUninterceptedOrReturn { cont ->
    cont.intercepted().resume(Unit)
    COROUTINE_SUSPENDED
  }

  /** The next task for [worker], which searches; null if there is none and the worker ends (its slot given back). */
  private fun takeTask(worker: QueueWorker): Any? {
    val workers = engine.workers
    while (true) {
      val task = tasks.poll()
      if (task == null) {
        searching.decrementAndGet()
        workers.release()
        if (tasks.isEmpty() || !workers.tryAcquire()) return null
        searching.incrementAndGet()
        continue
      }
      if (task is QueuedTask<*>) engine.stoppedWaiting() // a plain Kotlin task is never counted as waiting
      if (searching.decrementAndGet() == 0 && !tasks.isEmpty()) trySpawnWorker() // more waits: wake one helper
      worker.current = task // before reading the gate: shutdownNow closes it before it looks at the workers
      return task
    }
  }

  /**
   * Runs a plain Kotlin task in place ([QueuedCoroutine]); whether the worker goes on. If the task suspended, it keeps
   * the worker's slot, and the worker goes on only if tasks wait and it can take another slot.
   */
  private fun runCoroutine(task: QueuedCoroutine<*>): Boolean {
    if (engine.gate.closed) task.drop(engine.gate.notStarted())
    if (!task.startOnWorker()) return goOn() // dropped (cancelled while queued): it completed on its own
    return when (task.detach(engine)) {
      QueuedCoroutine.KEPT -> goOn()
      QueuedCoroutine.DETACHED -> goOnWithAnotherSlot()
      else -> false // its slot went to work that outlived it
    }
  }

  /** A worker whose task kept its slot goes on with another one if tasks wait and one is free. */
  private fun goOnWithAnotherSlot(): Boolean {
    if (tasks.isEmpty() || !engine.workers.tryAcquire()) return false
    searching.incrementAndGet()
    return true
  }

  /**
   * Starts [task]: its outcome, [ALREADY_DONE] if it was cancelled before it started, [CALL_BLOCKING] for a blocking
   * call, or [WAIT] for a stage to wait for (recorded as what runs the task). An async task whose stage waits for
   * work it started on this executor parks: it gives its slot to that work.
   */
  private fun startTask(task: QueuedTask<*>): Any? {
    if (!task.isDone && engine.gate.closed) task.completeExceptionally(engine.gate.notStarted()) // cancelled, saying why
    if (task.isDone) return ALREADY_DONE
    task.trace?.started()
    if (task is QueuedBlockingTask) return CALL_BLOCKING
    val result = engine.startStage(null, (task as QueuedAsyncTask).call::call)
    val stage = when (result) {
      is NestedStage -> {
        task.parked = true
        engine.releaseWorker()
        result.stage
      }
      is CompletionStage<*> -> result
      else -> return result
    }
    task.runningOn(stage.asFuture())
    return WAIT
  }

  /** The outcome of the stage [task] waits for if it is done, else [WAIT]. */
  private fun outcomeIfDone(task: QueuedTask<*>): Any? {
    val stage = task.running as CompletableFuture<*>
    return if (stage.isDone) outcomeOfDone(stage) else WAIT
  }

  /** Tells the stall watchdog, if on, that [task] holds its worker slot while it waits (a parked task does not). */
  private fun watch(task: QueuedTask<*>): StallWatchdog.Waiting? =
    if (task.parked) null else engine.stallWatchdog?.awaiting("a task of ${engine.name}")

  /**
   * Runs on the calling thread, which is about to wait for them and runs no engine's task, those of [waited] that
   * still wait in this queue ([dev.corobridge.internal.scope.QueuedForWorker]): each is taken up as a worker takes it,
   * with a worker slot and the mark of the executor's non-blocking workers, and shown in [alive] while it runs, so
   * [Engine.shutdownNow] finds it. One slot serves task after task; a task whose stage is still running keeps it (and
   * its record) until the stage completes, as it would on a worker. Stops when no slot is free; true if it ran a task
   * and never lacked a slot (children forked meanwhile may be worth another call), false if it ran none or stopped.
   *
   * A task is taken from the queue by removing it, which only one of this thread and the workers polling can do. The
   * removal walks the queue, but a slot was free, so the workers are taking the queue up and it is short.
   */
  fun runHere(waited: List<*>): Boolean {
    var ran = false
    var lackedSlot = false
    var holdsSlot = false
    var record: QueueWorker? = null
    try {
      for (candidate in waited) {
        if (candidate !is QueuedAsyncTask<*> || candidate.running !== this) continue
        if (!holdsSlot) {
          if (!engine.workers.tryAcquire()) {
            lackedSlot = true
            break
          }
          holdsSlot = true
        }
        if (!tasks.remove(candidate)) continue // a worker took it first
        engine.stoppedWaiting()
        val running = record ?: QueueWorker(engine.scope.coroutineContext, engine).also { alive.add(it); record = it }
        running.current = candidate // before reading the gate, as a worker does
        ran = true
        val waits = runTaken(candidate, running)
        if (waits) record = null // the task keeps its record until its stage completes
        if (waits || candidate.parked) {
          holdsSlot = false // the task keeps the slot, or gave it to the work it waits for
        } else if (engine.workers.availablePermits == 0) {
          engine.workers.release() // a task with options may wait for a slot: it goes first, as with a worker (see goOn)
          if (!engine.workers.tryAcquire()) {
            holdsSlot = false
            lackedSlot = true
            break
          }
        }
      }
    } finally {
      record?.let(alive::remove)
      if (holdsSlot) engine.releaseWorker()
    }
    return ran && !lackedSlot
  }

  /** [runHere]: runs [task] on this thread; true if it waits for its stage, and ends when the stage completes. */
  private fun runTaken(task: QueuedAsyncTask<*>, record: QueueWorker): Boolean {
    var outcome = try {
      engine.asNonBlockingWorker { startTask(task) }
    } catch (e: Throwable) {
      Failed(e)
    }
    if (outcome === WAIT) outcome = outcomeIfDone(task)
    if (outcome === WAIT) {
      task.resumeWhenStageDone(StageEnd(task, record, watch(task)))
      return true
    }
    finishTask(task, outcome)
    return false
  }

  /**
   * The end of a task run by [runHere] whose stage completed later: on the executor's dispatcher, as a worker's would
   * be, it completes the task, drops its record and gives its slot back (unless it parked, and gave it back then).
   */
  private inner class StageEnd(
    private val task: QueuedTask<*>,
    private val record: QueueWorker,
    private val watched: StallWatchdog.Waiting?,
  ) : Continuation<Any?>, Runnable {
    private var outcome: Any? = null

    override val context: CoroutineContext get() = engine.scope.coroutineContext

    override fun resumeWith(result: Result<Any?>) {
      outcome = result.getOrThrow() // the task's callback resumes with its outcome, never with a failure
      engine.dispatch(context, this)
    }

    override fun run() {
      watched?.done()
      try {
        finishTask(task, outcome)
      } finally {
        alive.remove(record)
        if (!task.parked) engine.releaseWorker()
      }
    }
  }

  /**
   * Completes and counts [task] with [outcome] and counts it out of the executor; then decides whether the worker
   * goes on: not if the task parked (its slot went back then), nor if the slot it gave back to a waiting task with
   * options could not be taken again.
   */
  private fun endTask(task: QueuedTask<*>, outcome: Any?): Boolean {
    finishTask(task, outcome)
    return !task.parked && goOn()
  }

  /** Completes and counts [task] with [outcome] and counts it out of the executor. */
  private fun finishTask(task: QueuedTask<*>, outcome: Any?) {
    try {
      if (outcome === ALREADY_DONE) {
        engine.counters.finished(task.isCancelled, task.isCompletedExceptionally) // cancelled while queued
        task.trace?.finished(task)
      } else {
        engine.finishTask(task, outcome, task.spawned, task.trace)
      }
    } finally {
      engine.exit()
    }
  }

  /**
   * Whether a worker that holds its slot after a task goes on to search the queue: not if no slot is free (only then
   * can a task with options be waiting for one) and the slot it gives back to such a task cannot be taken again.
   */
  private fun goOn(): Boolean {
    searching.incrementAndGet()
    val workers = engine.workers
    if (workers.availablePermits == 0) {
      workers.release()
      if (!workers.tryAcquire()) {
        searching.decrementAndGet()
        return false
      }
    }
    return true
  }

  private companion object {
    /** Sets [TaskFuture.running] without a fence of its own. */
    val WAITS_IN: AtomicReferenceFieldUpdater<TaskFuture<*>, Any> =
      AtomicReferenceFieldUpdater.newUpdater(TaskFuture::class.java, Any::class.java, "running")

    /** [startTask]: the task's stage, in [TaskFuture.running], is to be waited for. */
    val WAIT = Any()

    /** [startTask]: the task is a blocking call. */
    val CALL_BLOCKING = Any()

    /** [startTask]: the task was completed before it started (cancelled, or refused by a shutdown). */
    val ALREADY_DONE = Any()
  }
}
