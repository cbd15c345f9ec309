// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.consumer.kotlin20

import dev.corobridge.ScopeOptions
import dev.corobridge.TaskOptions
import dev.corobridge.WaitStrategy
import dev.corobridge.coroutines.DelicateCorobridgeApi
import dev.corobridge.coroutines.CoroutineAsyncExecutor
import dev.corobridge.coroutines.callAppropriately
import dev.corobridge.coroutines.scope
import dev.corobridge.coroutines.withAsyncExecutor
import java.time.Duration
import kotlin.system.exitProcess
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking

/**
 * Drives Corobridge's Kotlin API from code compiled by Kotlin 2.0 and run on its standard library; exits with
 * status 1 if a result is not what the contract says (the build fails then).
 */
fun main() {
  val results = runBlocking {
    val fromScope = withAsyncExecutor(maxWorkers = 4, configure = { lane("io", 2) }) {
      val a = async(TaskOptions.builder().lane("io").build()) { delay(5); 20 }
      val b = async { callAppropriately { 22 } }
      a.await() + b.await()
    }
    val executor = CoroutineAsyncExecutor(maxWorkers = 3)
    try {
      val squares = executor.map(listOf(1, 2, 3)) { it * it }
      val firstTwo = executor.mapIter((1..100).toList()) { it * 10 }.take(2).toList()
      val scoped = executor.scope(ScopeOptions.builder().deadline(Duration.ofSeconds(10)).build()) {
        val x = async { 1 }
        val y = async { 2 }
        x.await() + y.await()
      }
      @OptIn(DelicateCorobridgeApi::class) // fire-and-forget on purpose: the opt-in marker works for a Kotlin 2.0 consumer
      val waited = executor.waitFor(listOf(executor.async { "done" }), WaitStrategy.ALL_COMPLETED, null)
      // the Java API is null-marked (JSpecify): a task's result may be null, read without the annotations' jar
      val absent: String? = executor.submitBlocking<String?> { null }.join()
      listOf(fromScope, squares, firstTwo, scoped, waited.done.size, absent)
    } finally {
      executor.close()
    }
  }
  val expected = listOf(42, listOf(1, 4, 9), listOf(10, 20), 3, 1, null)
  if (results != expected) {
    System.err.println("consumer-kotlin20: expected $expected but was $results")
    exitProcess(1)
  }
  println("consumer-kotlin20: every check passed (compiled by Kotlin 2.0, running on its standard library ${KotlinVersion.CURRENT})")
}
