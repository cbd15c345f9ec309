// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import java.util.concurrent.CompletableFuture
import java.util.concurrent.ExecutionException
import java.util.concurrent.TimeoutException
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.nanoseconds
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch

/**
 * The engine of `mapIter`: the outcomes of tasks over a lazily pulled iterator, in input order, with at
 * most [window] items started and not yet consumed.
 *
 * Consumer-driven: each call for the next outcome first tops the window up, pulling items and starting
 * each as a task through [start] (its future completes with the item's value or failure), then waits for
 * the oldest. The iterator is touched only by the consumer, one call at a time, so it need not be
 * thread-safe. Per item: the task [start] makes and one slot of a ring; no producer coroutine, no
 * channel, no lock.
 *
 * The stream is a unit of work of the executor from creation until it ends (the last outcome, a failure,
 * or [cancel]): a graceful shutdown lets it finish, and [start] may admit its items meanwhile. [cancel]
 * may come from any thread (closing the stream, the batch timer) and cancels every started item. If it
 * comes while the consumer is topping the window up, the consumer finishes the job when it is done
 * ([state] says who does). An iterator that throws ends the stream with that failure after the items
 * pulled before it; a timeout of the whole batch ([timeoutNanos], 0 = none) cancels what is in flight and
 * ends the stream with a [TimeoutException] at once.
 */
internal class SlidingWindow<A>(
  private val engine: Engine,
  private val items: Iterator<A>,
  private val window: Int,
  timeoutNanos: Long,
  private val start: (A) -> CompletableFuture<*>,
) {
  /** A ring of the started items' tasks, oldest unconsumed at [head]. Written by the consumer, published by its [state] updates. */
  private val started = arrayOfNulls<CompletableFuture<*>>(window)
  private var head = 0 // consumer only, like the next three
  private var size = 0
  private var exhausted = false
  private var pullFailure: Throwable? = null

  /** [OPEN], or [FILLING] while the consumer starts items, plus [ENDED] once cancelled. */
  private val state = AtomicInteger(OPEN)
  @Volatile private var timedOut: TimeoutException? = null
  private val timer: Job?

  init {
    engine.enter()
    timer = if (timeoutNanos == 0L) null else engine.timerScope.launch {
      delay(timeoutNanos.nanoseconds)
      timedOut = TimeoutException("mapIter timed out after ${timeoutNanos.nanoseconds}")
      cancel()
    }
  }

  /** The next outcome, blocking the calling thread: a value, a [Failed], or [END]. */
  fun nextBlocking(): Any? {
    val task = oldestAfterTopUp() ?: return end()
    if (!task.isDone) {
      try {
        task.get()
      } catch (e: InterruptedException) {
        cancel()
        Thread.currentThread().interrupt()
        throw java.util.concurrent.CancellationException("interrupted while waiting for the next result").apply { initCause(e) }
      } catch (e: ExecutionException) {
        // the outcome is read below
      } catch (e: java.util.concurrent.CancellationException) {
        // likewise
      }
    }
    return settle(outcomeOfDone(task))
  }

  /** The next outcome, suspending: a value, a [Failed], or [END]. */
  suspend fun next(): Any? {
    val task = oldestAfterTopUp() ?: return end()
    return settle(task.awaitOutcome())
  }

  /** Tops the window up and returns the oldest unconsumed item's task, or null if there is none or the stream ended. */
  private fun oldestAfterTopUp(): CompletableFuture<*>? {
    if (!exhausted && size < window) {
      if (!state.compareAndSet(OPEN, FILLING)) return null
      try {
        while (size < window) {
          val item = try {
            if (!items.hasNext()) {
              exhausted = true
              break
            }
            items.next()
          } catch (e: Throwable) {
            pullFailure = e
            exhausted = true
            break
          }
          val tail = head + size
          started[if (tail < window) tail else tail - window] = start(item)
          size++
        }
      } finally {
        if (!state.compareAndSet(FILLING, OPEN)) finish() // cancelled meanwhile: this thread sweeps
      }
    }
    return if (size == 0 || state.get() != OPEN) null else started[head]
  }

  private fun settle(outcome: Any?): Any? {
    head = if (head + 1 == window) 0 else head + 1
    size--
    if (outcome is Failed) {
      cancel()
      val timeout = timedOut
      if (timeout != null && outcome.error is CancellationException) return Failed(timeout)
    }
    return outcome
  }

  private fun end(): Any? {
    cancel()
    timedOut?.let { return Failed(it) }
    if (exhausted && size == 0) pullFailure?.let { return Failed(it) }
    return END
  }

  /** Cancels every started item and stops pulling. Idempotent; any thread. */
  fun cancel() {
    while (true) {
      val s = state.get()
      if (s and ENDED != 0) return
      if (state.compareAndSet(s, s or ENDED)) {
        if (s == OPEN) finish() // else the consumer is starting items and finishes when it is done
        return
      }
    }
  }

  /** Run once, by whoever ended the stream while the consumer was not starting items. */
  private fun finish() {
    timer?.cancel()
    for (task in started) task?.cancel(false)
    engine.exit()
  }

  companion object {
    /** The end of the outcomes. */
    val END = Any()

    private const val OPEN = 0
    private const val FILLING = 1
    private const val ENDED = 2
  }
}
