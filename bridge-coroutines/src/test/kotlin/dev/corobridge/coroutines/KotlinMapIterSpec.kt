// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.AsyncTask
import dev.corobridge.ExecutorShutdownException
import dev.corobridge.MapOptions
import dev.corobridge.OutOfResourcesException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.longs.shouldBeGreaterThanOrEqual
import io.kotest.matchers.shouldBe
import java.io.IOException
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicInteger
import kotlin.random.Random
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.async
import kotlinx.coroutines.future.await
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.yield

/**
 * The Kotlin `mapIter`'s items: however they end (a value, a failure, the collector stopping, a shutdown), each is
 * counted once, gives its worker slot back and leaves nothing running; at most `maxWorkers` and at most `window` run
 * at once, and an item waiting for a slot held elsewhere starts when the slot comes back.
 */
class KotlinMapIterSpec : FunSpec({
  timeout = 60_000L // a slot never given back, or an item stranded, shows as a failing test, not a hanging one

  /** Every one of the executor's slots can be taken at once: none was kept by a stream. */
  suspend fun everySlotComesBack(executor: CoroutineAsyncExecutor, maxWorkers: Int) {
    val arrived = AtomicInteger()
    val all = CompletableDeferred<Unit>()
    executor.map((1..maxWorkers).toList()) {
      if (arrived.incrementAndGet() == maxWorkers) all.complete(Unit)
      all.await()
    }
  }

  test("items run at most maxWorkers at once, and as many as that when the window allows") {
    val executor = CoroutineAsyncExecutor(3)
    val running = AtomicInteger()
    val most = AtomicInteger()
    val results = executor.mapIter((0 until 200).toList(), MapOptions.builder().window(16).build()) { i ->
      most.accumulateAndGet(running.incrementAndGet(), ::maxOf)
      delay(1)
      running.decrementAndGet()
      i * 2
    }.toList()
    results shouldContainExactly (0 until 200).map { it * 2 }
    most.get() shouldBe 3
    executor.close()
  }

  test("items run at most window at once on a wider executor") {
    val executor = CoroutineAsyncExecutor(16)
    val running = AtomicInteger()
    val most = AtomicInteger()
    executor.mapIter((0 until 200).toList(), MapOptions.builder().window(2).build()) { i ->
      most.accumulateAndGet(running.incrementAndGet(), ::maxOf)
      delay(1)
      running.decrementAndGet()
      i
    }.toList() shouldContainExactly (0 until 200).toList()
    most.get() shouldBe 2
    executor.close()
  }

  test("items wait while another task holds the only slot, and all run once it is given back") {
    val executor = CoroutineAsyncExecutor(1)
    val holderStarted = CompletableDeferred<Unit>()
    val release = CompletableDeferred<Unit>()
    val holder = executor.async { holderStarted.complete(Unit); release.await() }
    holderStarted.await()
    val ran = AtomicInteger()
    val collected = async(Dispatchers.Default) {
      executor.mapIter((0 until 50).toList()) { i -> ran.incrementAndGet(); i }.toList()
    }
    repeat(50) { yield() }
    ran.get() shouldBe 0 // nothing started without a slot
    release.complete(Unit)
    holder.await()
    collected.await() shouldContainExactly (0 until 50).toList()
    ran.get() shouldBe 50
    everySlotComesBack(executor, 1)
    executor.close()
  }

  test("an item that calls map on the same executor lends its slot: a one-worker executor does not deadlock") {
    val executor = CoroutineAsyncExecutor(1)
    executor.mapIter((0 until 20).toList(), MapOptions.builder().window(4).build()) { i ->
      executor.map(listOf(i, i)) { it + 1 }.sum()
    }.toList() shouldContainExactly (0 until 20).map { 2 * (it + 1) }
    everySlotComesBack(executor, 1)
    executor.close()
  }

  test("instant items on a narrow window never wait for a worker that is leaving (a lost wake-up would hang here)") {
    val executor = CoroutineAsyncExecutor(2)
    repeat(40) { round ->
      val window = 1 + round % 3
      withContext(Dispatchers.Default) {
        executor.mapIter((0 until 5_000).toList(), MapOptions.builder().window(window).build()) { it }.toList()
      }.size shouldBe 5_000
    }
    everySlotComesBack(executor, 2)
    executor.close()
  }

  test("random outcomes and early stops: every item is counted once and every slot comes back") {
    val maxWorkers = 4
    val executor = CoroutineAsyncExecutor(maxWorkers)
    val random = Random(42)
    repeat(200) { round ->
      val n = random.nextInt(1, 80)
      val failAt = if (random.nextInt(4) == 0) random.nextInt(n) else -1
      val takeFirst = if (random.nextInt(4) == 0) random.nextInt(1, n + 1) else n
      val window = random.nextInt(1, 12)
      val flow = executor.mapIter((0 until n).toList(), MapOptions.builder().window(window).build()) { i ->
        when (random.nextInt(3)) {
          0 -> yield()
          1 -> delay(random.nextLong(0, 2))
        }
        if (i == failAt) throw IOException("item $i of round $round")
        i
      }
      val outcome = runCatching { flow.take(takeFirst).toList() }
      val expectedFailure = failAt in 0 until takeFirst
      if (expectedFailure) {
        (outcome.exceptionOrNull() as? IOException)?.message shouldBe "item $failAt of round $round"
      } else {
        outcome.getOrThrow() shouldContainExactly (0 until takeFirst).toList()
      }
    }
    everySlotComesBack(executor, maxWorkers)
    executor.close() // terminates: no worker of any stream is left
    val stats = executor.stats()
    stats.submitted() shouldBe stats.succeeded() + stats.failed() + stats.cancelled()
    stats.queued() shouldBe 0L
    stats.running() shouldBe 0L
    stats.succeeded() shouldBeGreaterThanOrEqual 1L
  }

  test("shutdownNow ends a stream in flight with a CancellationException, cancels its items and terminates") {
    val executor = CoroutineAsyncExecutor(4)
    val started = AtomicInteger()
    val cancelled = AtomicInteger()
    val threeStarted = CompletableDeferred<Unit>()
    val collecting = launch(Dispatchers.Default) {
      shouldThrow<CancellationException> {
        executor.mapIter((0 until 100).toList(), MapOptions.builder().window(3).build()) { _ ->
          if (started.incrementAndGet() == 3) threeStarted.complete(Unit)
          try {
            awaitCancellation()
          } finally {
            cancelled.incrementAndGet()
          }
        }.collect()
      }
    }
    threeStarted.await()
    executor.shutdownNow()
    collecting.join()
    executor.termination().await()
    started.get() shouldBe 3
    cancelled.get() shouldBe 3
    executor.stats().let { it.submitted() shouldBe it.succeeded() + it.failed() + it.cancelled() }
    shouldThrow<ExecutorShutdownException> { executor.mapIter(listOf(1)) { it }.toList() }
  }

  test("a graceful shutdown lets an open stream run to its end") {
    val executor = CoroutineAsyncExecutor(2)
    val firstSeen = CompletableDeferred<Unit>()
    val collected = launch(Dispatchers.Default) {
      val values = ArrayList<Int>()
      executor.mapIter((0 until 100).toList(), MapOptions.builder().window(4).build()) { i -> delay(1); i }.collect {
        values.add(it)
        if (it == 0) {
          firstSeen.complete(Unit)
          delay(20) // the shutdown comes while the stream is open
        }
      }
      values shouldContainExactly (0 until 100).toList()
    }
    firstSeen.await()
    executor.shutdown(false, false)
    collected.join()
    executor.termination().await()
    executor.stats().succeeded() shouldBe 100L
  }

  test("a stream's items are never refused by a full queue, and leave no place in it taken") {
    val executor = CoroutineAsyncExecutor(1) { queueCapacity(2) }
    executor.mapIter((0 until 100).toList(), MapOptions.builder().window(8).build()) { i -> yield(); i }.toList() shouldContainExactly
      (0 until 100).toList()
    val release = CompletableDeferred<Unit>()
    val started = CompletableDeferred<Unit>()
    val busy = executor.async { started.complete(Unit); release.await() }
    started.await()
    val queued = List(2) { executor.submit(AsyncTask { CompletableFuture.completedFuture(it) }) } // both places free again
    shouldThrow<OutOfResourcesException> { executor.submit(AsyncTask { CompletableFuture.completedFuture(3) }) }
    release.complete(Unit)
    busy.await()
    queued.map { it.await() } shouldContainExactly listOf(0, 1)
    executor.close()
  }
})
