// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.RetryPolicy
import dev.corobridge.TaskOptions
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import java.io.IOException
import java.time.Duration
import java.util.concurrent.TimeoutException
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest

/** The coroutine engine on a kotlinx-coroutines-test dispatcher: back-off and timeouts in virtual time. */
class TestDispatcherSpec : FunSpec({

  test("a retry with back-off runs in the test scheduler's virtual time") {
    runTest {
      val executor = CoroutineAsyncExecutor(2, StandardTestDispatcher(testScheduler))
      val attempts = mutableListOf<Long>()
      val result = executor.async(TaskOptions.builder().retry(RetryPolicy.exponential(3, Duration.ofMinutes(1))).build()) {
        attempts += currentTime
        if (attempts.size < 4) throw IOException("flaky")
        "ok"
      }
      runCurrent()
      attempts.size shouldBe 1
      advanceTimeBy(1.minutes)
      runCurrent()
      attempts.size shouldBe 2
      result.await() shouldBe "ok"
      attempts shouldContainExactly listOf(0L, 60_000L, 180_000L, 420_000L)
      executor.shutdown(false, false)
    }
  }

  test("a timeout expires in virtual time") {
    runTest {
      val executor = CoroutineAsyncExecutor(2, StandardTestDispatcher(testScheduler))
      val future = executor.submit({ java.util.concurrent.CompletableFuture<String>() }, TaskOptions.builder().timeout(Duration.ofHours(1)).build())
      advanceTimeBy(59.minutes)
      runCurrent()
      future.isDone shouldBe false
      advanceTimeBy(2.minutes)
      runCurrent()
      shouldThrow<java.util.concurrent.CompletionException> { future.join() }.cause!!::class shouldBe TimeoutException::class
      val waiting = executor.async { awaitCancellation() }
      runCurrent()
      waiting.cancel()
      executor.shutdown(false, false)
      advanceTimeBy(1.seconds)
    }
  }
})
