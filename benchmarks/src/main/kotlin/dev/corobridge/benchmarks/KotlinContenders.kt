// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks

import dev.corobridge.AsyncExecutor
import dev.corobridge.MapOptions
import dev.corobridge.coroutines.asCoroutineExecutor
import dev.corobridge.coroutines.scope
import java.util.concurrent.CompletableFuture
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.cancel
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.asFlow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.fold
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.job
import kotlinx.coroutines.future.await
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.sync.Semaphore

/**
 * The Kotlin contenders, called from the Java benchmarks: Corobridge through its suspend API, and raw
 * kotlinx.coroutines written as an expert would (a semaphore acquired before each `async`, so no more
 * than the limit of coroutines exist at once, then `awaitAll`).
 */
object KotlinContenders {
  // ------------------------------------------------------------------------------ overhead: map i -> i + 1

  @JvmStatic
  fun corobridgeMap(executor: AsyncExecutor, items: List<Int>): List<Int> = runBlocking {
    executor.asCoroutineExecutor().map(items) { it + 1 }
  }

  @JvmStatic
  fun rawKotlinxMap(items: List<Int>, concurrency: Int): List<Int> = runBlocking(Dispatchers.Default) {
    val permits = Semaphore(concurrency)
    items.map { i ->
      permits.acquire()
      async {
        try {
          i + 1
        } finally {
          permits.release()
        }
      }
    }.awaitAll()
  }

  // ------------------------------------------------------------------------------ latency: each task waits

  @JvmStatic
  fun corobridgeDelay(executor: AsyncExecutor, items: List<Int>, millis: Long): List<Int> = runBlocking {
    executor.asCoroutineExecutor().map(items) { delay(millis); it }
  }

  @JvmStatic
  fun rawKotlinxDelay(items: List<Int>, concurrency: Int, millis: Long): List<Int> = runBlocking(Dispatchers.Default) {
    val permits = Semaphore(concurrency)
    items.map { i ->
      permits.acquire()
      async {
        try {
          delay(millis)
          i
        } finally {
          permits.release()
        }
      }
    }.awaitAll()
  }

  private val sleepers = Dispatchers.IO.limitedParallelism(1_000)

  @JvmStatic
  fun rawKotlinxSleep(items: List<Int>, concurrency: Int, millis: Long): List<Int> = runBlocking(Dispatchers.Default) {
    val permits = Semaphore(concurrency)
    items.map { i ->
      permits.acquire()
      async(sleepers) {
        try {
          Thread.sleep(millis)
          i
        } finally {
          permits.release()
        }
      }
    }.awaitAll()
  }

  // ------------------------------------------------------------------------------ completion order

  /** Completes [n] deferreds in the order [order] and sums what asCompleted emits. */
  @JvmStatic
  fun corobridgeAsCompleted(executor: AsyncExecutor, order: IntArray): Long = runBlocking {
    val deferreds = List(order.size) { CompletableDeferred<Int>() }
    val flow = executor.asCoroutineExecutor().asCompleted(deferreds)
    for (i in order) deferreds[i].complete(i)
    flow.fold(0L) { sum, v -> sum + v }
  }

  @JvmStatic
  fun rawKotlinxAsCompleted(order: IntArray): Long = runBlocking {
    val deferreds = List(order.size) { CompletableDeferred<Int>() }
    val completed = Channel<Deferred<Int>>(Channel.UNLIMITED)
    for (d in deferreds) d.invokeOnCompletion { completed.trySend(d) }
    for (i in order) deferreds[i].complete(i)
    var sum = 0L
    repeat(order.size) { sum += completed.receive().await() }
    sum
  }

  // ------------------------------------------------------------------------------ streaming

  /** Collected on Dispatchers.Default, like the raw kotlinx contender: the collector is one more coroutine of the pool. */
  @JvmStatic
  fun corobridgeMapIter(executor: AsyncExecutor, n: Int, window: Int): Long = runBlocking(Dispatchers.Default) {
    executor.asCoroutineExecutor()
      .mapIter(Range(n), MapOptions.builder().window(window).build()) { it + 1L }
      .fold(0L) { sum, v -> sum + v }
  }

  @JvmStatic
  fun rawKotlinxMapIter(n: Int, window: Int): Long = runBlocking(Dispatchers.Default) {
    coroutineScope {
      (0 until n).asFlow()
        .map { i -> async { i + 1L } }
        .buffer(window)
        .map { it.await() }
        .fold(0L) { sum, v -> sum + v }
    }
  }

  // ------------------------------------------------------------------------------ footprint

  /** Starts one task per stage, each parked awaiting it; returns what must be kept alive. */
  @JvmStatic
  fun corobridgeParked(executor: AsyncExecutor, stages: List<CompletableFuture<Int>>, started: Runnable): List<Deferred<Int>> {
    val coroutines = executor.asCoroutineExecutor()
    return stages.map { stage -> coroutines.async { started.run(); stage.await() } }
  }

  @JvmStatic
  fun rawKotlinxScope(): CoroutineScope = CoroutineScope(Dispatchers.Default + Job())

  @JvmStatic
  fun rawKotlinxParked(scope: CoroutineScope, stages: List<CompletableFuture<Int>>, started: Runnable): List<Deferred<Int>> =
    stages.map { stage -> scope.async { started.run(); stage.await() } }

  @JvmStatic
  fun cancel(scope: CoroutineScope) {
    scope.cancel()
  }

  /** Cancels [scope] and waits until every coroutine in it has completed. */
  @JvmStatic
  fun cancelAndWait(scope: CoroutineScope) {
    runBlocking { scope.coroutineContext.job.cancelAndJoin() }
  }

  // ------------------------------------------------------------------------------ contention

  @JvmStatic
  fun corobridgeSubmitBatch(executor: AsyncExecutor, batch: Int): Long = runBlocking {
    val coroutines = executor.asCoroutineExecutor()
    (0 until batch).map { i -> coroutines.async { i.toLong() } }.awaitAll().sum()
  }

  @JvmStatic
  fun rawKotlinxSubmitBatch(scope: CoroutineScope, permits: Semaphore, batch: Int): Long = runBlocking {
    (0 until batch).map { i ->
      permits.acquire()
      scope.async {
        try {
          i.toLong()
        } finally {
          permits.release()
        }
      }
    }.awaitAll().sum()
  }

  // ------------------------------------------------------------------------------ scope fan-out

  @JvmStatic
  fun corobridgeScopes(executor: AsyncExecutor, scopes: Int, children: Int): Int = runBlocking(Dispatchers.Default) {
    val coroutines = executor.asCoroutineExecutor()
    var sum = 0
    repeat(scopes) {
      sum += coroutines.scope { (0 until children).map { c -> async { c } }.awaitAll().sum() }
    }
    sum
  }

  @JvmStatic
  fun rawKotlinxScopes(scopes: Int, children: Int): Int = runBlocking(Dispatchers.Default) {
    var sum = 0
    repeat(scopes) {
      sum += coroutineScope { (0 until children).map { c -> async { c } }.awaitAll().sum() }
    }
    sum
  }

  @JvmStatic
  fun rawKotlinxScopesEachFromThread(scopes: Int, children: Int): Int {
    var sum = 0
    repeat(scopes) {
      sum += runBlocking(Dispatchers.Default) { (0 until children).map { c -> async { c } }.awaitAll().sum() }
    }
    return sum
  }

  @JvmStatic
  fun semaphore(permits: Int): Semaphore = Semaphore(permits)
}

/** 0 until n as a lazy Iterable, without boxing a list up front. */
class Range(private val n: Int) : Iterable<Int> {
  override fun iterator(): Iterator<Int> = object : Iterator<Int> {
    private var next = 0
    override fun hasNext(): Boolean = next < n
    override fun next(): Int = next++
  }

}
