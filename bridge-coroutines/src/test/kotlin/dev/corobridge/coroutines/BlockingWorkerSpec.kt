// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.NotSupportedException
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CountDownLatch
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.locks.LockSupport
import kotlin.random.Random
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.delay
import kotlinx.coroutines.future.await
import kotlinx.coroutines.withTimeout

/**
 * A queue worker that takes up a blocking task moves to one of the executor's blocking threads and calls it there,
 * then goes on with the next task from that thread (a blocking task costs one hand-off, as with a thread pool, instead
 * of a dispatch there and back). What must still hold: stopping a task interrupts its own call and nothing after it on
 * the same thread, a non-blocking task still runs on the executor's dispatcher, and the worker's own code between
 * calls is treated as a non-blocking worker's.
 */
class BlockingWorkerSpec : FunSpec({
  timeout = 60_000L // a wait that should be refused but hangs fails the test instead

  /** Waits, bounded, until [latch] is open. */
  suspend fun awaitOpen(latch: CountDownLatch) = withTimeout(10.seconds) {
    while (!latch.await(0, TimeUnit.MILLISECONDS)) delay(1)
  }

  test("a stopped blocking call leaves no interrupt to the next task its thread calls") {
    val executor = CoroutineAsyncExecutor(1)
    val started = CountDownLatch(1)
    val release = AtomicBoolean()
    var firstThread: Thread? = null
    val first = executor.submitBlocking {
      firstThread = Thread.currentThread()
      started.countDown()
      while (!release.get()) Thread.onSpinWait() // ignores the interrupt, as a careless call may
      "first"
    }
    val second = executor.submitBlocking { Thread.currentThread() to Thread.currentThread().isInterrupted }
    awaitOpen(started)
    first.cancel(true)
    release.set(true)
    val (secondThread, interrupted) = second.await()
    secondThread shouldBe firstThread // one worker, one slot: the same thread went on
    interrupted.shouldBeFalse()
    first.isCancelled.shouldBeTrue()
    executor.close()
    executor.stats().let { it.succeeded() shouldBe 1L; it.cancelled() shouldBe 1L }
  }

  test("a stopped blocking call is interrupted") {
    val executor = CoroutineAsyncExecutor(1)
    val started = CountDownLatch(1)
    val sawInterrupt = CompletableFuture<Boolean>()
    val task = executor.submitBlocking {
      started.countDown()
      try {
        Thread.sleep(30_000)
        sawInterrupt.complete(false)
      } catch (e: InterruptedException) {
        sawInterrupt.complete(true)
      }
    }
    awaitOpen(started)
    task.cancel(true)
    withTimeout(10.seconds) { sawInterrupt.await() }.shouldBeTrue()
    executor.close()
  }

  test("an async task and a Kotlin task taken up after a blocking one run on the executor's dispatcher") {
    val dispatcherThread = Executors.newSingleThreadExecutor { Thread(it, "the-dispatcher").apply { isDaemon = true } }
    val executor = CoroutineAsyncExecutor(1, dispatcherThread.asCoroutineDispatcher())
    val release = CountDownLatch(1)
    val blocking = executor.submitBlocking { release.await(); Thread.currentThread().name }
    val async = executor.submit { CompletableFuture.completedFuture(Thread.currentThread().name) }
    val kotlin = executor.async { Thread.currentThread().name }
    release.countDown()
    blocking.await().startsWith("the-dispatcher").shouldBeFalse()
    async.await().startsWith("the-dispatcher").shouldBeTrue() // "the-dispatcher @coroutine#n" in kotlinx's debug mode
    kotlin.await().startsWith("the-dispatcher").shouldBeTrue()
    executor.close()
    dispatcherThread.shutdown()
  }

  test("a callback run as a blocking task completes may not block on the executor, as on the dispatcher") {
    val executor = CoroutineAsyncExecutor(1)
    val release = CountDownLatch(1)
    val waitInCallback = CompletableFuture<Any?>()
    val task = executor.submitBlocking { release.await(); "done" }
    task.whenComplete { _, _ ->
      try {
        waitInCallback.complete(executor.runBlocking { executor.submitBlocking { "nested" } })
      } catch (e: Throwable) {
        waitInCallback.completeExceptionally(e)
      }
    }
    // Nothing else waits on the task: a thread that adds a dependent to a CompletableFuture as it completes runs the
    // dependents still pending itself (its postComplete), so awaiting the task here could run the callback on the test's
    // thread, where runBlocking is allowed (a thread of the caller's own). The callback must run where the task completes.
    release.countDown()
    val refused = runCatching { withTimeout(10.seconds) { waitInCallback.await() } }.exceptionOrNull()
    refused.shouldBeInstanceOf<NotSupportedException>() // held the only slot: waiting would have hung
    task.getNow(null) shouldBe "done"
    executor.close()
  }

  test("stress: blocking tasks stopped at random moments while workers call task after task: only a stopped task's call sees an interrupt") {
    val executor = CoroutineAsyncExecutor(2)
    val count = 3_000
    val interruptedCalls = java.util.concurrent.ConcurrentHashMap.newKeySet<Int>()
    val random = Random(42)
    val tasks = (0 until count).map { i ->
      val pause = random.nextLong(0, 200_000)
      executor.submitBlocking {
        val interrupted = Thread.currentThread().isInterrupted || run {
          LockSupport.parkNanos(pause)
          Thread.currentThread().isInterrupted
        }
        if (interrupted) interruptedCalls.add(i)
        i
      }
    }
    for (i in 0 until count) {
      if (random.nextInt(3) == 0) {
        if (random.nextBoolean()) LockSupport.parkNanos(random.nextLong(0, 100_000))
        tasks[i].cancel(true)
      }
    }
    val outcomes = tasks.mapIndexed { i, task ->
      try {
        task.get(20, TimeUnit.SECONDS) shouldBe i // a hang fails with a TimeoutException
        "succeeded"
      } catch (e: CancellationException) {
        "cancelled"
      } catch (e: ExecutionException) {
        "failed"
      }
    }
    interruptedCalls.filter { !tasks[it].isCancelled }.shouldBeEmpty()
    outcomes.count { it == "failed" } shouldBe 0
    slotsAllBack(executor)
    executor.close()
    executor.stats().let {
      it.succeeded() shouldBe outcomes.count { o -> o == "succeeded" }.toLong()
      it.cancelled() shouldBe outcomes.count { o -> o == "cancelled" }.toLong()
      it.running() shouldBe 0L
    }
  }
})
