// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.StalledTaskException
import dev.corobridge.TaskOptions
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext

/** The stall watchdog on Kotlin coroutines: a coroutine that does not suspend is reported, one that suspends is not. */
class StallWatchdogSpec : FunSpec({
  fun busy(millis: Long) {
    val until = System.nanoTime() + millis * 1_000_000
    while (System.nanoTime() < until) Thread.onSpinWait()
  }

  test("a coroutine that computes without suspending is reported under its task name") {
    val reported = CopyOnWriteArrayList<Throwable>()
    CoroutineAsyncExecutor(2) { detectStalls(Duration.ofMillis(50)); onUncaughtError(reported::add) }.use { executor ->
      executor.async(TaskOptions.builder().name("cruncher").build()) { busy(400) }.await()
      while (reported.isEmpty()) delay(5)
      val stall = reported.single().shouldBeInstanceOf<StalledTaskException>()
      stall.task() shouldBe "cruncher"
    }
  }

  test("coroutines that suspend, or block on a dispatcher made for it, are not reported") {
    val reported = CopyOnWriteArrayList<Throwable>()
    CoroutineAsyncExecutor(4) { detectStalls(Duration.ofMillis(50)); onUncaughtError(reported::add) }.use { executor ->
      val waiting = executor.async { delay(200) }
      val io = executor.async { withContext(Dispatchers.IO) { Thread.sleep(200) } }
      val mapped = executor.async { executor.map((1..50).toList()) { delay(1); it } }
      waiting.await()
      io.await()
      mapped.await().size shouldBe 50
      reported shouldBe emptyList()
    }
  }
})
