// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.BatchProgress
import dev.corobridge.MapOptions
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.io.IOException
import java.time.Duration
import java.util.OptionalLong
import java.util.concurrent.ConcurrentLinkedQueue
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList

/**
 * Batch progress from Kotlin: the Kotlin `map` and `mapIter` tell `MapOptions.onProgress` as the Java API does
 * (the TCK's `ProgressContract`), and `progressFlow()` turns the reports into a [kotlinx.coroutines.flow.Flow]
 * that ends with the batch's last report.
 */
class BatchProgressSpec : FunSpec({
  test("the Kotlin map tells every item and a last report before it returns") {
    val reports = ConcurrentLinkedQueue<BatchProgress>()
    CoroutineAsyncExecutor(4).use { executor ->
      val options = MapOptions.builder().window(3).onProgress(Duration.ZERO) { reports += it }.build()
      executor.map((1..30).toList(), options) { delay(1); it } shouldBe (1..30).toList()
      val last = reports.last()
      last.finished() shouldBe true
      last.done() shouldBe 30
      last.inFlight() shouldBe 0
      last.total() shouldBe OptionalLong.of(30)
      reports.count { it.finished() } shouldBe 1
      reports.zipWithNext().all { (a, b) -> b.done() >= a.done() } shouldBe true
    }
  }

  test("progressFlow emits the reports of a map and completes with its last") {
    CoroutineAsyncExecutor(4).use { executor ->
      val options = MapOptions.builder().window(4)
      val progress = options.progressFlow(Duration.ZERO)
      val heard = coroutineScope {
        val collected = async { progress.toList() }
        executor.map((1..50).toList(), options.build()) { delay(1); it }.size shouldBe 50
        collected.await()
      }
      heard.last().finished() shouldBe true
      heard.last().done() shouldBe 50
      heard.count { it.finished() } shouldBe 1
    }
  }

  test("a failing Kotlin map still ends its progress flow, counting the failed items") {
    CoroutineAsyncExecutor(2).use { executor ->
      val options = MapOptions.builder()
      val progress = options.progressFlow()
      coroutineScope {
        val collected = async { progress.toList() }
        shouldThrow<IOException> {
          executor.map((1..20).toList(), options.build()) { if (it == 5) throw IOException("item 5") else it }
        }
        val last = collected.await().last()
        last.finished() shouldBe true
        (last.failed() >= 1) shouldBe true
      }
    }
  }

  test("the Kotlin mapIter tells its items, and a collection that stops early ends its reports") {
    CoroutineAsyncExecutor(4).use { executor ->
      val options = MapOptions.builder().window(2)
      val progress = options.progressFlow(Duration.ZERO)
      coroutineScope {
        val collected = async { progress.toList() }
        executor.mapIter(generateSequence(0) { it + 1 }.asIterable(), options.build()) { delay(1); it }.take(6).toList() shouldBe (0..5).toList()
        val last = collected.await().last()
        last.finished() shouldBe true
        last.total() shouldBe OptionalLong.empty()
        (last.done() >= 6) shouldBe true
        last.inFlight() shouldBe 0
      }
    }
  }
})
