// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.AsyncExecutor
import dev.corobridge.ExecutorShutdownException
import dev.corobridge.FailedItem
import dev.corobridge.MapOptions
import dev.corobridge.RetryPolicy
import dev.corobridge.TaskOptions
import dev.corobridge.WaitStrategy
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.types.shouldBeInstanceOf
import io.kotest.matchers.types.shouldBeSameInstanceAs
import java.io.IOException
import java.time.Duration
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.future.await
import kotlinx.coroutines.launch
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.withTimeout

/** Spec §4: Kotlin drives the same executor through suspend functions and flows. */
class KotlinApiSpec : FunSpec({

  /** Tracks how many blocks run at once. */
  class Gauge {
    private val now = AtomicInteger()
    val max = AtomicInteger()
    fun maxNow() { max.accumulateAndGet(now.incrementAndGet(), Math::max) }
    fun exitNow() { now.decrementAndGet() }
    suspend fun <T> around(block: suspend () -> T): T {
      max.accumulateAndGet(now.incrementAndGet(), Math::max)
      try {
        return block()
      } finally {
        now.decrementAndGet()
      }
    }
  }

  test("the factory function builds a running executor configured like the Java builder") {
    val executor = CoroutineAsyncExecutor(4) { lane("gallery", 2).name("kotlin") }
    executor.name shouldBe "kotlin"
    executor.maxWorkers shouldBe 4
    executor.isRunning shouldBe true
    executor.close()
    executor.isTerminated shouldBe true
  }

  test("AsyncExecutor.create finds the coroutine engine and asCoroutineExecutor unwraps it") {
    val executor: AsyncExecutor = AsyncExecutor.create(2)
    executor.asCoroutineExecutor().shouldBeInstanceOf<CoroutineAsyncExecutor>()
    executor.close()
  }

  test("withAsyncExecutor closes the executor on exit, after its work has finished") {
    lateinit var captured: CoroutineAsyncExecutor
    val finished = AtomicInteger()
    val result = withAsyncExecutor(3) {
      captured = executor
      repeat(5) { launch { delay(10); finished.incrementAndGet() } }
      "result"
    }
    result shouldBe "result"
    captured.isTerminated shouldBe true
    finished.get() shouldBe 5
  }

  test("withAsyncExecutor closes the executor when the block throws") {
    lateinit var captured: CoroutineAsyncExecutor
    shouldThrow<IllegalStateException> {
      withAsyncExecutor(2) {
        captured = executor
        error("block failed")
      }
    }
    captured.isTerminated shouldBe true
  }

  test("the executor's own async returns a Deferred with the block's value, and its failure as its exception") {
    withAsyncExecutor(2) {
      executor.async { 21 * 2 }.await() shouldBe 42
      val failure = shouldThrow<IOException> { executor.async { throw IOException("io") }.await() }
      failure.message shouldBe "io"
    }
  }

  test("async and Java's submit share one maxWorkers bound") {
    val executor = CoroutineAsyncExecutor(3)
    val gauge = Gauge()
    val kotlinTasks = (1..30).map { executor.async { gauge.around { delay(2) } } }
    val javaTasks = (1..30).map {
      executor.submit { gauge.maxNow(); CompletableFuture.runAsync { Thread.sleep(2) }.whenComplete { _, _ -> gauge.exitNow() } }
    }
    kotlinTasks.forEach { it.await() }
    javaTasks.forEach { it.await() }
    gauge.max.get() shouldBeLessThanOrEqual 3
    executor.close()
  }

  test("async honours lanes, retries and timeouts from TaskOptions") {
    withAsyncExecutor(8) {
      val attempts = AtomicInteger()
      val retried = async(TaskOptions.builder().retry(RetryPolicy.exponential(2, Duration.ZERO)).build()) {
        if (attempts.incrementAndGet() < 3) throw IOException("again")
        "third time"
      }
      retried.await() shouldBe "third time"
      val timedOut = executor.async(TaskOptions.builder().timeout(Duration.ofMillis(20)).build()) { awaitCancellation() }
      shouldThrow<java.util.concurrent.TimeoutException> { timedOut.await() }
    }
  }

  test("a task's name shows in its coroutine and in its timeout") {
    withAsyncExecutor(2) {
      val named = TaskOptions.builder().name("fetch-avatar").timeout(Duration.ofMillis(10)).build()
      async(named) { kotlin.coroutines.coroutineContext[kotlinx.coroutines.CoroutineName]?.name }.await() shouldBe "fetch-avatar"
      val timeout = shouldThrow<java.util.concurrent.TimeoutException> {
        executor.submit({ CompletableFuture<Unit>() }, named).await()
      }
      timeout.message!!.contains("fetch-avatar") shouldBe true
    }
  }

  test("cancelling the Deferred cancels the block, and the slot comes back") {
    val executor = CoroutineAsyncExecutor(1)
    val started = CompletableDeferred<Unit>()
    val cancelled = CompletableDeferred<Unit>()
    val task = executor.async {
      started.complete(Unit)
      try {
        awaitCancellation()
      } finally {
        cancelled.complete(Unit)
      }
    }
    started.await()
    task.cancel()
    cancelled.await()
    executor.async { "next" }.await() shouldBe "next"
    executor.close()
  }

  test("launch hands a failure to the uncaught-error handler") {
    val reported = CopyOnWriteArrayList<Throwable>()
    val executor = CoroutineAsyncExecutor(2) { onUncaughtError { reported.add(it) } }
    executor.launch { throw IOException("background") }.join()
    reported.single().message shouldBe "background"
    executor.close()
  }

  test("map returns results in input order and bounds the items in flight") {
    withAsyncExecutor(16) {
      val gauge = Gauge()
      val results = map((1..100).toList(), MapOptions.builder().window(4).build()) { i ->
        gauge.around { delay((i % 3).toLong()); i * 10 }
      }
      results shouldContainExactly (1..100).map { it * 10 }
      gauge.max.get() shouldBeLessThanOrEqual 4
      map(emptyList<Int>()) { it }.shouldBeEmpty()
    }
  }

  test("map fails fast with the first failure and cancels the rest") {
    withAsyncExecutor(4) {
      val cancelled = AtomicInteger()
      shouldThrow<IllegalStateException> {
        map((1..100).toList()) { i ->
          if (i == 2) { delay(10); throw IllegalStateException("item 2") }
          try { awaitCancellation() } finally { cancelled.incrementAndGet() }
        }
      }.message shouldBe "item 2"
      cancelled.get() shouldBe 3
    }
  }

  test("cancelling the caller of map cancels the batch") {
    val executor = CoroutineAsyncExecutor(4)
    val started = AtomicInteger()
    shouldThrow<kotlinx.coroutines.TimeoutCancellationException> {
      withTimeout(50.milliseconds) {
        executor.map((1..100).toList()) { started.incrementAndGet(); awaitCancellation() }
      }
    }
    executor.close() // terminates: nothing of the batch is left running
    started.get() shouldBe 4
  }

  test("mapIter is a cold, ordered, lazy flow that cancels the rest when the collector stops") {
    withAsyncExecutor(8) {
      val pulled = AtomicInteger()
      val endless = Iterable { generateSequence(0) { pulled.incrementAndGet() }.iterator() }
      val firstTen = mapIter(endless, MapOptions.builder().window(3).build()) { i -> delay((10 - i % 10).toLong()); i }
        .take(10).toList()
      firstTen shouldContainExactly (0 until 10).toList()
      pulled.get() shouldBeLessThanOrEqual 10 + 3
    }
  }

  test("mapIter surfaces an item's failure to the collector, saying which item it was") {
    withAsyncExecutor(4) {
      val failure = shouldThrow<IOException> {
        mapIter((1..10).toList()) { i -> if (i == 5) throw IOException("five") else i }.toList()
      }
      failure.message shouldBe "five"
      val note = FailedItem.of(failure).orElseThrow()
      note.index() shouldBe 4L
      note.item() shouldBe "5"
    }
  }

  test("mapIter's batch timeout fails the flow with TimeoutException and cancels what is in flight") {
    val executor = CoroutineAsyncExecutor(4)
    val cancelled = AtomicInteger()
    val options = MapOptions.builder().window(3).timeout(Duration.ofMillis(300)).build()
    val seen = CopyOnWriteArrayList<Int>()
    shouldThrow<java.util.concurrent.TimeoutException> {
      executor.mapIter((0 until 100).toList(), options) { i ->
        if (i == 0) return@mapIter 0
        try {
          awaitCancellation()
        } finally {
          cancelled.incrementAndGet()
        }
      }.collect { seen.add(it) }
    }
    seen shouldContainExactly listOf(0)
    executor.close() // terminates: nothing of the stream is left running
    cancelled.get() shouldBe 3
  }

  test("a collector that is cancelled cancels the items in flight") {
    val executor = CoroutineAsyncExecutor(4)
    val running = AtomicInteger()
    val cancelled = AtomicInteger()
    shouldThrow<kotlinx.coroutines.TimeoutCancellationException> {
      withTimeout(300.milliseconds) {
        executor.mapIter((0 until 100).toList(), MapOptions.builder().window(3).build()) { _ ->
          running.incrementAndGet()
          try {
            awaitCancellation()
          } finally {
            cancelled.incrementAndGet()
          }
        }.toList()
      }
    }
    executor.close()
    running.get() shouldBe 3
    cancelled.get() shouldBe 3
  }

  test("asCompleted emits values in completion order") {
    withAsyncExecutor(8) {
      val gates = List(5) { CompletableDeferred<Int>() }
      val order = listOf(3, 0, 4, 1, 2)
      coroutineScope {
        launch { order.forEach { gates[it].complete(it); delay(1) } }
        asCompleted(gates).toList() shouldContainExactly order
      }
    }
  }

  test("waitFor ends when the strategy is met, or on timeout with the partition at that moment") {
    withAsyncExecutor(2) {
      val a = CompletableDeferred<Int>()
      val b = CompletableDeferred<Int>()
      a.complete(1)
      val first = waitFor(listOf(a, b), WaitStrategy.FIRST_COMPLETED)
      first.done shouldBe setOf(a)
      first.pending shouldBe setOf(b)
      val timedOut = waitFor(listOf(a, b), WaitStrategy.ALL_COMPLETED, 20.milliseconds)
      timedOut.done shouldBe setOf(a)
      b.isCancelled shouldBe false
      b.completeExceptionally(IOException("b"))
      waitFor(listOf(a, b), WaitStrategy.FIRST_EXCEPTION, 1.minutes).done shouldBe setOf(a, b)
    }
  }

  test("callAppropriately runs a plain function on a blocking worker and awaits a suspend one") {
    withAsyncExecutor(2) {
      val caller = Thread.currentThread()
      val plain: () -> Thread = { Thread.currentThread() }
      callAppropriately(plain) shouldNotBe caller
      val suspending: suspend () -> String = { delay(1); "suspended" }
      callAppropriately(suspending) shouldBe "suspended"
      callAppropriately { Thread.currentThread() } shouldNotBe caller
      callAppropriately(::blockingAnswer) shouldBe 42
      callAppropriately(::suspendingAnswer) shouldBe 43
      callAppropriately(suspend { delay(1); "literal" }) shouldBe "literal"
    }
  }

  test("after shutdown the Kotlin API refuses new work too") {
    val executor = CoroutineAsyncExecutor(1)
    executor.shutdown(false, false)
    shouldThrow<ExecutorShutdownException> { executor.async { 1 } }
    shouldThrow<ExecutorShutdownException> { executor.launch { } }
    shouldThrow<ExecutorShutdownException> { executor.map(listOf(1)) { it } }
  }

  test("shutdownNow cancels Kotlin tasks that run or wait, structured children and callAppropriately included") {
    val executor = CoroutineAsyncExecutor(4) { lane("one", 1) }
    val started = CompletableDeferred<Unit>()
    val running = executor.async { started.complete(Unit); awaitCancellation() }
    val laneTaken = CompletableDeferred<Unit>()
    val launched = executor.launch(TaskOptions.builder().lane("one").build()) { laneTaken.complete(Unit); awaitCancellation() }
    laneTaken.await() // only then is the next task of lane "one" sure to wait
    val waiting = executor.async(TaskOptions.builder().lane("one").build()) { "never" }
    started.await()
    val childCancelled = CompletableDeferred<Throwable>()
    val caller = launch {
      executor.scope {
        async {
          try {
            awaitCancellation()
          } catch (e: CancellationException) {
            childCancelled.complete(e)
            throw e
          }
        }
      }
    }
    val callerCancelled = CompletableDeferred<Throwable?>()
    val appropriate = launch {
      try {
        executor.callAppropriately { Thread.sleep(60_000) }
      } catch (e: CancellationException) {
        callerCancelled.complete(e)
      }
    }
    withTimeout(10_000) { while (executor.stats().running() < 4 || executor.stats().submitted() < 5) delay(1) }

    executor.shutdownNow().shouldBeEmpty() // Kotlin tasks are cancelled, not listed

    withTimeout(10_000) {
      for (job in listOf(running, launched, waiting)) {
        job.join()
        job.isCancelled shouldBe true
      }
      childCancelled.await().message shouldBe "executor ${executor.name} was shut down with shutdownNow() while the task ran"
      (callerCancelled.await()).shouldBeInstanceOf<CancellationException>()
      caller.join()
      appropriate.join()
      executor.termination().await()
    }
    executor.stats().let { it.submitted() shouldBe it.succeeded() + it.failed() + it.cancelled() }
  }

  test("a Java future from the executor fails with the task's own exception even with stack-trace recovery on") {
    val executor = CoroutineAsyncExecutor(2)
    val boom = IOException("own")
    val stage = CompletableFuture<String>()
    val future = executor.submit { stage }
    stage.completeExceptionally(boom)
    val failure = runCatching { future.await() }.exceptionOrNull()
    failure.shouldBeInstanceOf<IOException>()
    (future.exceptionNowCompat()) shouldBeSameInstanceAs boom
    executor.close()
  }

  test("map and mapIter give each item the options taskFor chose for it") {
    val executor = CoroutineAsyncExecutor(8) { lane("image", 1) }
    val image = TaskOptions.builder().lane("image").build()
    val options = MapOptions.builder().taskFor { i: Int -> if (i % 2 == 0) image else TaskOptions.defaults() }.build()
    val inImageLane = AtomicInteger()
    val most = AtomicInteger()
    val work: suspend (Int) -> Int = { i ->
      if (i % 2 == 0) most.accumulateAndGet(inImageLane.incrementAndGet(), ::maxOf)
      delay(2)
      if (i % 2 == 0) inImageLane.decrementAndGet()
      i
    }
    executor.map((0 until 30).toList(), options, work) shouldContainExactly (0 until 30).toList()
    executor.mapIter((0 until 30).toList(), options, work).toList() shouldContainExactly (0 until 30).toList()
    most.get() shouldBe 1
    val broken = MapOptions.builder().taskFor { i: Int -> if (i == 2) throw IllegalStateException("no options") else TaskOptions.defaults() }.build()
    shouldThrow<IllegalStateException> { executor.map((0 until 5).toList(), broken) { it } }
    shouldThrow<IllegalStateException> { executor.mapIter((0 until 5).toList(), broken) { it }.toList() }
    executor.close()
  }
})

private fun blockingAnswer(): Int = 42

private suspend fun suspendingAnswer(): Int {
  delay(1)
  return 43
}

private fun CompletableFuture<*>.exceptionNowCompat(): Throwable =
  try {
    get()
    error("expected failure")
  } catch (e: java.util.concurrent.ExecutionException) {
    e.cause!!
  }
