// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.ExecutorListener
import dev.corobridge.RetryEvent
import dev.corobridge.RetryPolicy
import dev.corobridge.TaskEvent
import dev.corobridge.TaskOptions
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import java.io.IOException
import java.time.Duration
import java.util.IdentityHashMap
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.TimeoutException
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.withTimeoutOrNull

/**
 * [ExecutorListener] from Kotlin: the tasks of the Kotlin API (a scope's `async` and `launch`, `map`, `mapIter`,
 * `callAppropriately`, the executor's own `async`) are told their events as the Java API's are (the TCK's
 * `ListenerContract`): queued first, exactly one ending, counted as the stats count them.
 */
class ExecutorListenerSpec : FunSpec({
  class Recorder : ExecutorListener {
    val heard = ConcurrentLinkedQueue<Pair<String, TaskEvent>>()
    override fun taskQueued(task: TaskEvent) { heard += "queued" to task }
    override fun taskStarted(task: TaskEvent) { heard += "started" to task }
    override fun taskRetrying(task: TaskEvent, retry: RetryEvent) { heard += "retrying" to task }
    override fun taskSucceeded(task: TaskEvent) { heard += "succeeded" to task }
    override fun taskFailed(task: TaskEvent, failure: Throwable) { heard += "failed" to task }
    override fun taskTimedOut(task: TaskEvent, timeout: TimeoutException) { heard += "timedOut" to task }
    override fun taskCancelled(task: TaskEvent) { heard += "cancelled" to task }

    fun count(kind: String) = heard.count { it.first == kind }.toLong()
    fun ended() = count("succeeded") + count("failed") + count("timedOut") + count("cancelled")
    fun kinds(name: String) = heard.filter { it.second.name() == name }.map { it.first }
  }

  suspend fun eventually(what: () -> String, condition: () -> Boolean) {
    withTimeoutOrNull(20.seconds) { while (!condition()) delay(5) } ?: error("not within 20 s: ${what()}")
  }

  test("the Kotlin API's tasks are told queued first and exactly once how they ended, as the stats count them") {
    val recorder = Recorder()
    val executor = CoroutineAsyncExecutor(4) { listener(recorder) }
    try {
      executor.scope {
        async(TaskOptions.builder().name("child").build()) { delay(1); 1 }
        launch { delay(1) }
      }
      shouldThrow<IOException> { // the failing child fails its scope
        executor.scope {
          async(TaskOptions.builder().name("failing").retry(RetryPolicy.exponential(1, Duration.ofMillis(1))).build()) {
            throw IOException("no")
          }
        }
      }
      executor.map((1..5).toList()) { it * 2 } shouldBe listOf(2, 4, 6, 8, 10)
      executor.mapIter((1..4).toList()) { it }.toList() shouldBe listOf(1, 2, 3, 4)
      executor.callAppropriately { Thread.sleep(1); 7 } shouldBe 7
      withTimeoutOrNull(50.milliseconds) { executor.callAppropriately(suspend { awaitCancellation() }) }
      @OptIn(DelicateCorobridgeApi::class)
      executor.async { 3 }.await() shouldBe 3
      eventually({ "every task told how it ended: ${recorder.heard} ${executor.stats()}" }) {
        val stats = executor.stats()
        stats.running() == 0L && stats.queued() == 0L && recorder.ended() == stats.submitted()
      }
      val stats = executor.stats()
      val byTask = IdentityHashMap<TaskEvent, MutableList<String>>() // one object per task
      recorder.heard.forEach { (kind, task) -> byTask.getOrPut(task) { mutableListOf() } += kind }
      byTask.size.toLong() shouldBe stats.submitted()
      byTask.forEach { (task, kinds) ->
        kinds.first() shouldBe "queued"
        withClue("$task: $kinds") { kinds.count { it in setOf("succeeded", "failed", "timedOut", "cancelled") } shouldBe 1 }
      }
      recorder.count("succeeded") shouldBe stats.succeeded()
      recorder.count("failed") + recorder.count("timedOut") shouldBe stats.failed()
      recorder.count("cancelled") shouldBe stats.cancelled()
      recorder.count("retrying") shouldBe stats.retried()
      recorder.kinds("child") shouldContainExactly listOf("queued", "started", "succeeded")
      recorder.kinds("failing") shouldContainExactly listOf("queued", "started", "retrying", "started", "failed")
      recorder.heard.any { it.first == "succeeded" && it.second.blocking() } shouldBe true // callAppropriately { }
    } finally {
      executor.close()
    }
  }
})
