// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.OutOfResourcesException
import java.util.concurrent.CompletionStage
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.intrinsics.createCoroutineUnintercepted
import kotlin.coroutines.intrinsics.intercepted
import kotlin.coroutines.resume
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.async
import kotlinx.coroutines.runInterruptible

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

  /** Tasks waiting for a queue worker, in submission order. */
  private val tasks = ConcurrentLinkedQueue<QueuedTask<*>>()

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
    tasks.offer(task)
    if (searching.get() == 0) trySpawnWorker()
    return task
  }

  /** A worker slot was given back: if tasks wait, a worker takes them up. */
  fun slotReleased() {
    if (!tasks.isEmpty()) trySpawnWorker()
  }

  /** The tasks the queue workers run now. */
  fun runningTasks(): List<QueuedTask<*>> = alive.currentTasks()

  /** Cancels every task waiting in the queue, telling [cancelled] of each one this call cancelled. */
  fun drain(cancelled: (QueuedTask<*>) -> Unit) {
    while (true) {
      val task = tasks.poll() ?: break
      if (engine.queueLimited) engine.waitingToStart.decrementAndGet()
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
   * the slot is given back, so a task enqueued meanwhile is never stranded. The loop is written out in the
   * coroutine's own body, and waits without cancellation support (a worker is never cancelled; a queued task is
   * stopped by cancelling its stage or its blocking call): a parked task costs one coroutine and one callback,
   * nothing more.
   */
  private fun trySpawnWorker() {
    if (tasks.isEmpty() || !engine.workers.tryAcquire()) return
    searching.incrementAndGet()
    val worker = QueueWorker(engine.scope.coroutineContext, engine)
    alive.add(worker)
    val loop: suspend () -> Unit = {
      try {
        runWorker(worker)
      } finally {
        alive.remove(worker)
      }
    }
    loop.createCoroutineUnintercepted(worker).intercepted().resume(Unit) // dispatched, as launch would
  }

  @Suppress("NOTHING_TO_INLINE") // inlined: the loop is written out in the worker coroutine's own body, no frame of its own
  private suspend inline fun runWorker(worker: QueueWorker) {
    val workers = engine.workers
    while (true) { // this worker counts as searching here
      val task = tasks.poll()
      if (task != null && engine.queueLimited) engine.waitingToStart.decrementAndGet()
      if (task == null) {
        searching.decrementAndGet()
        workers.release()
        if (tasks.isEmpty() || !workers.tryAcquire()) return
        searching.incrementAndGet()
        continue
      }
      if (searching.decrementAndGet() == 0 && !tasks.isEmpty()) trySpawnWorker() // more waits: wake one helper
      worker.current = task // before reading the gate: shutdownNow closes it before it looks at the workers
      try {
        if (!task.isDone && engine.gate.closed) task.completeExceptionally(engine.gate.notStarted()) // cancelled, saying why
        if (task.isDone) {
          engine.counters.finished(task.isCancelled, task.isCompletedExceptionally) // cancelled while queued
          task.trace?.finished(task)
        } else {
          task.trace?.started()
          val outcome = try {
            run(task)
          } catch (e: Throwable) {
            Failed(e) // never lost, whatever the task or a stage it returned did
          }
          engine.finishTask(task, outcome, task.spawned, task.trace)
        }
      } finally {
        engine.exit()
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
  private suspend inline fun run(task: QueuedTask<*>): Any? {
    val result = when (task) {
      is QueuedAsyncTask -> engine.startStage(null, task.call::call)
      is QueuedBlockingTask -> {
        val call = task.call
        val follows = task.followsStage
        val blocking = engine.scope.async(engine.blocking.dispatcher) {
          runInterruptible {
            engine.blocking.callMarked(call).also {
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
    }
    if (result is NestedStage) {
      // The task waits for work of this executor that it started: it gives its slot to that work.
      task.parked = true
      engine.releaseWorker()
      val stage = result.stage.asFuture()
      task.runningOn(stage)
      return stage.awaitOutcomeUncancellable(task)
    }
    if (result !is CompletionStage<*> || (task is QueuedBlockingTask && !task.followsStage)) return result
    val stage = result.asFuture()
    task.runningOn(stage)
    return engine.watchedWait(null, stage.isDone) { stage.awaitOutcomeUncancellable(task) }
  }
}
