package dev.corobridge.coroutines.internal

import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeoutException
import kotlin.time.Duration.Companion.nanoseconds
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.ChannelResult
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.job
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Semaphore

/**
 * The engine of `mapIter`: results of [call] over a lazily pulled iterator, in input order.
 *
 * A producer coroutine (a unit of the executor) pulls the next item only after taking one of [window]
 * permits, starts it as a task in its own child coroutine and sends that item's result holder down a
 * channel, in input order. The consumer takes holders from the channel, waits for each and returns its
 * permit, so at most [window] items are in flight or waiting to be consumed, whatever the input's size.
 * [cancel] (closing the stream, an early exit, a failure the consumer saw) cancels the producer and
 * with it every item in flight. Batch-level failures (the iterator threw, the batch timed out) are
 * reported after the items before them.
 */
internal class OrderedStream<A>(
  private val engine: Engine,
  private val items: Iterator<A>,
  window: Int,
  private val plan: TaskPlan,
  private val timeoutNanos: Long,
  private val call: ItemCall<A>,
  context: CoroutineContext = EmptyCoroutineContext,
) {
  private val permits = Semaphore(window)
  private val holders = Channel<CompletableFuture<Any?>>(Channel.UNLIMITED)
  @Volatile private var batchFailure: Throwable? = null
  private val producer: Job = engine.launchUnit(context) { produce() }

  private suspend fun produce() {
    try {
      coroutineScope {
        val batch = coroutineContext.job
        val timer = if (timeoutNanos == 0L) null else launch {
          delay(timeoutNanos.nanoseconds)
          batchFailure = TimeoutException("mapIter timed out after ${timeoutNanos.nanoseconds}")
          batch.cancel()
        }
        coroutineScope { pullAndStart(batch) } // returns once every started item has finished
        timer?.cancel()
      }
    } catch (e: CancellationException) {
      // cancelled by the consumer, by shutdown(cancelFutures) or by the batch timer
      if (batchFailure == null) batchFailure = e
    } finally {
      holders.close()
    }
  }

  private suspend fun kotlinx.coroutines.CoroutineScope.pullAndStart(batch: Job) {
    while (true) {
      permits.acquire()
      val item = try {
        if (!items.hasNext()) return
        items.next()
      } catch (e: Throwable) {
        batchFailure = e
        return
      }
      engine.counters.submitted.increment()
      val holder = CompletableFuture<Any?>()
      holders.trySend(holder)
      launch(start = CoroutineStart.ATOMIC) {
        val outcome = try {
          engine.runTaskFast(plan, batch) { engine.callItem(call, item) }
        } catch (e: Throwable) {
          Failed(e)
        }
        engine.counters.finished(cancelled = outcome is Failed && outcome.error is CancellationException, failed = outcome is Failed)
        holder.complete(outcome)
      }
    }
  }

  /** Suspends for the next outcome in input order: a value, a [Failed], or [END]. */
  suspend fun next(): Any? {
    val result = holders.receiveCatching()
    return outcomeOf(result, result.getOrNull()?.awaitOutcome())
  }

  /** Blocks the calling thread for the next outcome in input order: a value, a [Failed], or [END]. */
  fun nextBlocking(): Any? {
    var result = holders.tryReceive()
    if (result.isFailure && !result.isClosed) {
      val received = CompletableFuture<ChannelResult<CompletableFuture<Any?>>>()
      val waiter = GlobalScope.launch(Dispatchers.Unconfined, start = CoroutineStart.UNDISPATCHED) {
        received.complete(holders.receiveCatching())
      }
      result = try {
        received.get()
      } catch (e: InterruptedException) {
        waiter.cancel()
        cancel()
        Thread.currentThread().interrupt()
        throw java.util.concurrent.CancellationException("interrupted while waiting for the next result")
      }
    }
    return outcomeOf(result, result.getOrNull()?.let { awaitBlocking(it) })
  }

  private fun outcomeOf(result: ChannelResult<CompletableFuture<Any?>>, outcome: Any?): Any? {
    if (result.isClosed) return batchFailure?.let { Failed(it) } ?: END
    permits.release()
    if (outcome is Failed && outcome.error is CancellationException) batchFailure?.let { return Failed(it) }
    return outcome
  }

  /** Cancels the items in flight and stops pulling. Idempotent. */
  fun cancel() {
    producer.cancel()
  }

  companion object {
    /** The end of the results. */
    val END = Any()
  }
}
