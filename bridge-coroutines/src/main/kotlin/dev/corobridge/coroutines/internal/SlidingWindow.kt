// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.internal.Failures
import dev.corobridge.internal.ProgressTracker
import dev.corobridge.internal.Timed
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ExecutionException
import java.util.concurrent.TimeoutException
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.nanoseconds
import kotlinx.coroutines.CancellationException

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
 * ends the stream with a [TimeoutException] at once. [progress], if any, tracks each started item's task and
 * hears of the stream's end. [onEnd], if any, runs once the stream has ended and its items are cancelled (it stops
 * what runs them, such as [StreamWorkers]).
 *
 * What ending the stream needs lives in a [Window] of its own, which reaches nothing of the consumer's
 * side: the engine keeps the open windows (a shutdown with cancelFutures cuts them short, and the stream
 * then fails with a CancellationException), and a Java stream's window is closed by [StreamCleaner] once
 * its consumer can no longer reach it. The ring of started items grows as the window fills, so a huge
 * window costs nothing up front.
 */
internal class SlidingWindow<A>(
  engine: Engine,
  private val input: Iterator<A>,
  private val limit: Int,
  timeoutNanos: Long,
  progress: ProgressTracker?,
  onEnd: Runnable? = null,
  private val start: (A) -> CompletableFuture<*>,
) {
  private var head = 0 // consumer only, like the next three
  private var size = 0
  private var exhausted = false
  private var pullFailure: Throwable? = null
  private var consumed = 0L // the index of the next outcome
  /** The items of [Window.started]'s tasks, slot for slot, to name one that failed. */
  private var items: Array<Any?> = arrayOfNulls(INITIAL_RING)

  /** What ending the stream needs; also the action that closes an abandoned Java stream. */
  val window = Window(engine, timeoutNanos, progress, onEnd)

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
    val w = window
    if (!exhausted && size < limit) {
      if (!w.state.compareAndSet(OPEN, FILLING)) return null
      try {
        while (size < limit) {
          val item = try {
            if (!input.hasNext()) {
              exhausted = true
              break
            }
            input.next()
          } catch (e: Throwable) {
            pullFailure = e
            exhausted = true
            break
          }
          var ring = w.started
          if (size == ring.size) ring = grow(ring)
          val tail = head + size
          val task = start(item)
          w.progress?.track(task)
          val slot = if (tail < ring.size) tail else tail - ring.size
          ring[slot] = task
          items[slot] = item
          size++
        }
      } finally {
        if (!w.state.compareAndSet(FILLING, OPEN)) w.finish() // cancelled meanwhile: this thread sweeps
      }
    }
    return if (size == 0 || w.state.get() != OPEN) null else w.started[head]
  }

  /** A ring twice as large (at most [limit]), the oldest item first. Called while filling. */
  private fun grow(ring: Array<CompletableFuture<*>?>): Array<CompletableFuture<*>?> {
    val larger = arrayOfNulls<CompletableFuture<*>>(if (ring.size > limit / 2) limit else ring.size * 2)
    val largerItems = arrayOfNulls<Any?>(larger.size)
    for (i in 0 until size) {
      larger[i] = ring[(head + i) % ring.size]
      largerItems[i] = items[(head + i) % ring.size]
    }
    items = largerItems
    head = 0
    window.started = larger
    return larger
  }

  private fun settle(outcome: Any?): Any? {
    val item = items[head]
    items[head] = null
    val index = consumed++
    head = if (head + 1 == window.started.size) 0 else head + 1
    size--
    if (outcome is Failed) {
      if (outcome.error !is CancellationException) Failures.attachFailedItem(outcome.error, index, item)
      cancel()
      if (outcome.error is CancellationException) window.endedFromOutside()?.let { return Failed(it) }
    }
    return outcome
  }

  private fun end(): Any? {
    cancel()
    window.endedFromOutside()?.let { return Failed(it) }
    if (exhausted && size == 0) pullFailure?.let { return Failed(it) }
    return END
  }

  /** Cancels every started item and stops pulling. Idempotent; any thread. */
  fun cancel() = window.cancel()

  /** The part of a stream that ending it needs: its items, its timer, the engine's count. */
  internal class Window(
    private val engine: Engine,
    timeoutNanos: Long,
    @JvmField val progress: ProgressTracker?,
    private val onEnd: Runnable?,
  ) : Runnable {
    /** A ring of the started items' tasks. Written by the consumer while filling, published by its [state] updates. */
    @JvmField var started: Array<CompletableFuture<*>?> = arrayOfNulls(INITIAL_RING)

    /** [OPEN], or [FILLING] while the consumer starts items, plus [ENDED] once cancelled. */
    @JvmField val state = AtomicInteger(OPEN)
    @Volatile private var timedOut: TimeoutException? = null
    @Volatile private var cutShort: java.util.concurrent.CancellationException? = null
    private val timer: Timed?

    init {
      engine.enter()
      engine.streamOpened(this)
      val window = this
      timer = if (timeoutNanos == 0L) null else engine.schedule(timeoutNanos) {
        window.timedOut = TimeoutException("mapIter timed out after ${timeoutNanos.nanoseconds}")
        window.cancel()
      }
    }

    /** What ended the stream from outside (its timeout, a shutdown), if anything did. */
    fun endedFromOutside(): Throwable? = cutShort ?: timedOut

    /** A shutdown with cancelFutures ends the stream; its consumer learns why at its next call. */
    fun cutShort(why: java.util.concurrent.CancellationException) {
      cutShort = why
      cancel()
    }

    /** Closes an abandoned stream (see [StreamCleaner]). */
    override fun run() = cancel()

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
    fun finish() {
      timer?.cancel()
      for (task in started) task?.cancel(false)
      onEnd?.run()
      progress?.finish() // told once the cancelled items have stopped
      engine.streamClosed(this)
      engine.exit()
    }
  }

  companion object {
    /** The end of the outcomes. */
    val END = Any()

    private const val INITIAL_RING = 8
    private const val OPEN = 0
    private const val FILLING = 1
    private const val ENDED = 2
  }
}
