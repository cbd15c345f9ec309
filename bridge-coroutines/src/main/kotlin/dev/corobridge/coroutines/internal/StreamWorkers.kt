// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.internal.engine.TaskTrace
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.concurrent.ConcurrentLinkedQueue
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch

/**
 * The items of one `mapIter` stream that run under a plain plan, run by worker coroutines of the stream's own
 * instead of a coroutine each: [start] queues an item and returns its future, a worker takes it up, holding a
 * worker slot of the executor, calls [call] in its own coroutine and completes the future. An item that does not
 * suspend costs its future and a queue node, no coroutine and no dispatch; a worker runs items one after another
 * for as long as the stream has some waiting.
 *
 * When a worker starts and leaves is [WorkerDemand]'s rule, the one of the engine's [TaskQueue]: one is started
 * when an item comes and none is searching (at most [limit]), one that takes an item while more wait wakes one
 * helper, and one that finds nothing waiting leaves after looking again, so no item is stranded. A worker keeps
 * its slot from one item to the next while slots are free and gives it back as soon as none is (someone may wait
 * for it), or when it leaves; with no slot free it waits for one in the semaphore's queue.
 *
 * The workers run in the stream's context (the collector's carried elements) under a [Job] of their own: [run],
 * once the stream has ended and cancelled its items' futures, cancels the item each worker runs (and the stage it
 * waits for) and counts the items nobody took up. Each worker counts in as work of the stream's unit, so the
 * executor terminates only once every worker has stopped. A worker's [HeldSlot] lets a Kotlin item lend the slot
 * while it waits for work it starts on the same executor; a Java item whose stage waits for such work gives the
 * slot back for good.
 */
internal class StreamWorkers<A>(
  private val engine: Engine,
  private val call: ItemCall<A>,
  context: CoroutineContext,
  private val limit: Int,
) : Runnable {
  /** The parent of the workers; cancelled when the stream ends. */
  private val job = Job()
  private val context = context + job

  /** Items waiting for a worker, in input order. */
  private val waiting = ConcurrentLinkedQueue<Item<A>>()

  /** When to start a worker, and how many are alive. */
  private val demand = WorkerDemand(limit)

  /** One item: its value, and its future, which the stream's consumer waits for. */
  internal class Item<A>(@JvmField val value: A, @JvmField val trace: TaskTrace?) : CompletableFuture<Any?>()

  /** Queues [value] as an item of the stream and returns its future. Called by the stream's consumer. */
  fun start(value: A): CompletableFuture<*> {
    if (engine.queueLimited) engine.admitWaiting(withinUnit = true)
    engine.counters.submitted.increment()
    val item = Item(value, engine.listeners?.queued(null, null, false))
    waiting.offer(item)
    if (demand.itemQueued()) startWorker()
    return item
  }

  /** The stream ended: cancels the workers' items and those waiting (already cancelled by the stream). */
  override fun run() {
    job.cancel()
    while (true) {
      val item = waiting.poll() ?: break
      engine.stoppedWaiting() // it left the queue
      item.cancel(false)
      counted(item)
    }
  }

  /** Starts a worker, which [demand] counted in. */
  private fun startWorker() {
    engine.enterWithin() // the stream is open (its consumer is starting items, or a worker runs): never refused
    val worker = HeldSlot(engine)
    engine.scope.launch(context + worker, CoroutineStart.ATOMIC) { // ATOMIC: a worker always counts itself out
      try {
        runWorker(worker, job)
      } finally {
        engine.exit()
      }
    }
  }

  private suspend fun runWorker(slot: HeldSlot, job: Job) {
    val workers = engine.workers
    var holding = false
    try {
      while (true) { // this worker counts as searching here
        val item = waiting.poll()
        if (item == null) {
          if (demand.foundNothing { waiting.isEmpty() }) continue // an item came meanwhile
          return // giving its slot back, if it holds one
        }
        engine.stoppedWaiting() // it left the queue
        if (demand.itemTaken { !waiting.isEmpty() }) startWorker() // more wait: wake one helper
        if (!item.isDone) { // else cancelled while it waited: the stream ended
          val outcome = try {
            if (!holding) {
              engine.gate.acquire(workers, job) // at once if a slot is free, else in the semaphore's queue
              holding = true
            }
            engine.gate.ensureStartAllowed(job)
            item.trace?.started()
            if (call is ItemCall.Stage) {
              when (val started = engine.startStage(null) { call.fn(item.value) }) {
                is NestedStage -> {
                  // The item waits for work of this executor that it started: it gives its slot to that work.
                  holding = false
                  engine.releaseWorker()
                  started.stage.awaitOutcome()
                }
                is CompletionStage<*> -> engine.watchedWait(null, started.isDoneNow()) { started.awaitOutcome() }
                else -> started
              }
            } else {
              slot.holding { engine.callItem(call, item.value) }
            }
          } catch (e: Throwable) {
            Failed(e) // the stream ended (cancelled), or a shutdown refused the item: never lost
          }
          if (outcome is Failed) item.completeExceptionally(outcome.error) else item.complete(outcome)
          if (holding && workers.availablePermits == 0) { // someone may wait for a slot: this one goes back
            holding = false
            engine.releaseWorker()
          }
        }
        counted(item)
        demand.searchingAgain()
      }
    } finally {
      if (holding) engine.releaseWorker()
    }
  }

  /** Counts a finished item by the state its future ended in, and tells its trace. */
  private fun counted(item: Item<A>) {
    engine.counters.finished(item.isCancelled, item.isCompletedExceptionally)
    item.trace?.finished(item)
  }
}
