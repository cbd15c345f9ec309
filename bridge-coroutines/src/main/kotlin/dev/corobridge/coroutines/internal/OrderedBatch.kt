// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.internal.Failures
import dev.corobridge.internal.ProgressTracker
import java.util.Collections
import java.util.concurrent.CompletionStage
import java.util.concurrent.TimeoutException
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReference
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.time.Duration.Companion.nanoseconds
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Job
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.job
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeoutOrNull

/**
 * Runs [call] over [input] with at most [window] items in flight and returns the results in input order
 * as an unmodifiable list over [input] itself, each result written over its item (the batch owns the array: a
 * snapshot of the caller's items taken at the call, see [snapshotOf]; one array per batch, not two), or the first
 * failure in time as a [Failed] (the other items are then cancelled). [timeoutNanos] (0 = none) bounds the whole batch. The workers run in [workerContext]:
 * the blocking threads for a batch of blocking calls, so that each call needs no dispatch. [progress], if any,
 * hears of each item taken up and finished, and of the batch's end once every worker has stopped.
 *
 * Worker-pool model: `min(window, n)` worker coroutines each claim a run of indices with one atomic
 * increment and run those items one after another, each as a task under [plan]; no coroutine, future or lock per
 * item. A run starts at one item and doubles while runs finish within [FAST_RUN_NANOS], up to [LONGEST_RUN], and
 * halves when one takes longer than four times that, and is never more than half a fair share of the items left:
 * trivial items no longer contend for the shared index (and for one cache line of results) at every item, while
 * slow items are claimed one by one and the last items one at a time, so the window stays full to the end even
 * when items turn slow late in the batch. Results land in the input's array; the scope's join publishes them to the
 * reader.
 */
internal suspend fun <A> Engine.runOrderedBatch(
  input: Array<Any?>,
  window: Int,
  plan: TaskPlan,
  timeoutNanos: Long,
  workerContext: CoroutineContext = EmptyCoroutineContext,
  call: ItemCall<A>,
  choose: ((A) -> TaskPlan)? = null,
  progress: ProgressTracker? = null,
): Any? {
  try {
    if (timeoutNanos == 0L) return orderedBatch(input, window, plan, workerContext, call, choose, progress)
    var outcome: Any? = null
    val finished = withTimeoutOrNull(timeoutNanos.nanoseconds) {
      outcome = orderedBatch(input, window, plan, workerContext, call, choose, progress)
    }
    return if (finished != null) outcome else Failed(TimeoutException("batch timed out after ${timeoutNanos.nanoseconds}"))
  } finally {
    progress?.finish() // every worker has stopped: the last report, before the batch's outcome is handed on
  }
}

private suspend fun <A> Engine.orderedBatch(
  input: Array<Any?>,
  window: Int,
  plan: TaskPlan,
  workerContext: CoroutineContext,
  call: ItemCall<A>,
  choose: ((A) -> TaskPlan)?,
  progress: ProgressTracker?,
): Any? {
  val n = input.size
  val blockingItems = workerContext[ContinuationInterceptor] === blocking.dispatcher // mapBlocking's items
  val next = AtomicInteger()
  val firstFailure = AtomicReference<Throwable?>()
  try {
    coroutineScope {
      val batch: Job = coroutineContext.job
      val workerCount = minOf(window, n)
      repeat(workerCount) {
        // A Kotlin item may call this executor's suspend API: it lends the worker's slot while it waits. A
        // Java item that waits for work it submitted here parks: it gives its slot to that work.
        val slot = if (call is ItemCall.Suspending) null else HeldSlot(this@orderedBatch)
        // mapBlocking's workers set up the interrupt of their calls once, not per item (see CallInterrupter).
        val interrupter = if (slot == null && blockingItems) CallInterrupter() else null
        val context = when {
          slot != null -> workerContext + slot
          interrupter != null -> workerContext + interrupter
          else -> workerContext
        }
        launch(context) {
          // With a plain plan a worker keeps its slot from one item to the next while nobody can be
          // waiting for one (waiters exist only when no permit is free), saving two contended atomic
          // operations per item; it gives the slot back as soon as the pool is full, and at the end.
          var holding = false
          try {
            var i = 0 // the next index of this worker's claim, up to end
            var end = 0
            var chunk = 1
            var claimedAt = 0L
            while (firstFailure.get() == null) {
              if (i == end) {
                // Claims the next run of indices: one contended increment and one clock read per run, not per item.
                val now = System.nanoTime()
                if (claimedAt != 0L) chunk = nextChunk(chunk, now - claimedAt)
                claimedAt = now
                // Never more than a fair share of what is left, so that items that turn slow near the end are not
                // held in one worker's run while the others have nothing left (guided self-scheduling).
                val claim = minOf(chunk, maxOf(1, (n - next.get()) / (2 * workerCount)))
                i = next.getAndAdd(claim)
                if (i >= n || i < 0) break
                end = minOf(i + claim, n)
              }
              counters.submitted.increment()
              progress?.itemStarted()
              @Suppress("UNCHECKED_CAST")
              val item = input[i] as A // read once, before this worker writes the item's result over it
              var itemPlan = plan
              var refused: Throwable? = null
              if (choose != null) {
                try {
                  itemPlan = choose(item) // MapOptions.taskFor: options of the item's own
                } catch (e: Throwable) {
                  refused = e
                }
              }
              val trace = listeners?.queued(itemPlan.name, itemPlan.lane?.name, blockingItems)
              val outcome = try {
                if (refused != null) {
                  Failed(refused)
                } else if (itemPlan.plain && (holding || workers.tryAcquire())) {
                  holding = true
                  gate.ensureStartAllowed(coroutineContext.job)
                  trace?.started()
                  val started = if (call is ItemCall.Stage) startStage(null) { call.fn(item) } else null
                  when (started) {
                    null -> slot.holding { callItem(call, item) }
                    is NestedStage -> {
                      // The item waits for work of this executor that it started: it gives its slot to that work.
                      holding = false
                      releaseWorker()
                      started.stage.awaitOutcome()
                    }
                    is CompletionStage<*> -> started.awaitOutcome()
                    else -> started
                  }.also {
                    if (holding && workers.availablePermits == 0) {
                      holding = false
                      releaseWorker()
                    }
                  }
                } else {
                  runTask(itemPlan, batch, slot, trace = trace) { callItem(call, item) } // the attempt marks the slot it holds
                }
              } catch (e: CancellationException) {
                counters.cancelled.increment()
                trace?.finished(true, null)
                progress?.itemFinished(false)
                // Not the batch's own cancellation: the item was refused (a shutdown cancelling what has not
                // started). The batch cannot have every result, so it fails with that, never with a gap.
                if (!batch.isCancelled && firstFailure.compareAndSet(null, e)) {
                  Failures.attachFailedItem(e, i.toLong(), item)
                  batch.cancel()
                }
                throw e
              }
              if (outcome is Failed) {
                counters.finished(cancelled = outcome.error is CancellationException, failed = true)
                trace?.finished(false, outcome.error)
                progress?.itemFinished(false)
                if (firstFailure.compareAndSet(null, outcome.error)) {
                  Failures.attachFailedItem(outcome.error, i.toLong(), item) // before the batch can end with it
                  batch.cancel()
                }
                break
              }
              counters.succeeded.increment()
              trace?.finished(false, null)
              input[i] = outcome
              progress?.itemFinished(true)
              i++
            }
          } finally {
            if (holding) releaseWorker()
            interrupter?.close()
          }
        }
      }
    }
  } catch (e: CancellationException) {
    // Cancelled by the first failure (report that failure) or from outside (propagate).
    firstFailure.get()?.let { return Failed(it) }
    throw e
  }
  firstFailure.get()?.let { return Failed(it) }
  return Collections.unmodifiableList(input.asList())
}

/**
 * The caller's [items], read whole at the call into an array a batch owns (see [runOrderedBatch]): an `Object[]`, since
 * results are written over the items, even when a collection's `toArray` hands back an array of its element type.
 */
internal fun snapshotOf(items: Iterable<*>): Array<Any?> {
  val array: Array<Any?> = if (items is Collection<*>) items.toTypedArray() else items.toMutableList().toTypedArray()
  return if (array.javaClass === Array<Any?>::class.java) array else java.util.Arrays.copyOf(array, array.size, Array<Any?>::class.java)
}

/** A run of items that finished within this is short: the next run may be twice as long. */
private const val FAST_RUN_NANOS = 50_000L

/** The most items one worker claims at once. */
private const val LONGEST_RUN = 64

/** The length of a worker's next run of items, after one of [chunk] items that took [tookNanos]. */
private fun nextChunk(chunk: Int, tookNanos: Long): Int = when {
  tookNanos < FAST_RUN_NANOS -> minOf(chunk * 2, LONGEST_RUN)
  tookNanos > 4 * FAST_RUN_NANOS -> maxOf(chunk / 2, 1)
  else -> chunk
}
