// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples

import dev.corobridge.AsyncExecutor
import dev.corobridge.MapOptions
import dev.corobridge.RetryPolicy
import dev.corobridge.ScopeOptions
import dev.corobridge.TaskOptions
import dev.corobridge.WaitStrategy
import dev.corobridge.coroutines.DelicateCorobridgeApi
import dev.corobridge.coroutines.asCoroutineExecutor
import dev.corobridge.coroutines.callAppropriately
import dev.corobridge.coroutines.scope
import java.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.future.await
import kotlinx.coroutines.runBlocking

/**
 * The guide's examples from Kotlin, on the very executor the Java guide used: the same limits, lanes
 * and counters, driven through suspend functions and flows.
 */
class KotlinGuide(executor: AsyncExecutor, private val server: LocalGallery) {
  private val executor = executor.asCoroutineExecutor()
  private val web = Web()

  /** Runs every example in turn from a plain thread. */
  @OptIn(DelicateCorobridgeApi::class) // the executor-owned `async` below is shown on purpose, next to `scope`
  fun run(): Unit = runBlocking {
    val pages = (1..8).toList()
    val counts = executor.map(pages) { p -> web.text(server.uri("/gallery/$p")).await().trimEnd().lines().count() }
    Progress.line("kotlin", "map", "suspend map over the same executor: $counts")

    val endless = Iterable { generateSequence(0) { it + 1 }.iterator() }
    val sizes = executor.mapIter(endless, MapOptions.builder().window(4).build()) { id -> web.bytes(server.uri("/image/$id")).await().size }
      .take(12).toList()
    Progress.line("kotlin", "mapIter", "a Flow over an endless list, 12 taken: ${sizes.sum()} bytes")

    val gallery = TaskOptions.builder().lane("gallery").build()
    val listings = (1..4).map { p -> executor.async(gallery) { web.text(server.uri("/gallery/$p")).await() } }
    val firstDone = executor.waitFor(listings, WaitStrategy.FIRST_COMPLETED)
    Progress.line("kotlin", "async+lane", "4 listings on lane gallery; first to finish: ${firstDone.done.size} done, then all: " +
      listings.sumOf { it.await().trimEnd().lines().count() } + " ids")

    val order = executor.asCompleted(listings).toList().map { it.lines().first() }
    Progress.line("kotlin", "asCompleted", "first ids in completion order: $order")

    val never = CompletableDeferred<String>()
    val partial = executor.waitFor(listOf(listings.first(), never), WaitStrategy.ALL_COMPLETED, 30.milliseconds)
    Progress.line("kotlin", "waitFor", "with a 30 ms timeout: ${partial.done.size} done, ${partial.pending.size} pending")

    val retrying = TaskOptions.builder().retry(RetryPolicy.exponential(3, Duration.ofMillis(10))).build()
    val answer = executor.async(retrying) { web.text(server.uri("/flaky/kotlin")).await() }.await()
    Progress.line("kotlin", "retries", "\"$answer\"")

    val blocking: () -> Int = { Thread.sleep(5); 42 }
    val suspending: suspend () -> String = { web.text(server.uri("/gallery/9")).await().lines().first() }
    Progress.line("kotlin", "callAppr.", "plain function on a blocking worker: ${executor.callAppropriately(blocking)}; " +
      "suspend function awaited: ${executor.callAppropriately(suspending)}")

    // A fan-out that belongs to the caller: structured children, a deadline, a failure cancels the rest.
    val deadline = ScopeOptions.builder().deadline(Duration.ofSeconds(2)).name("gallery pages").build()
    val perPage = executor.scope(deadline) {
      (1..6).map { p -> async { web.text(server.uri("/gallery/$p")).await().trimEnd().lines().count() } }.awaitAll()
    }
    val timedOut = runCatching {
      executor.scope(ScopeOptions.builder().deadline(Duration.ofMillis(100)).build()) {
        launch { web.text(server.uri("/gallery/1")).await() }
        launch { awaitCancellation() } // never answers: the deadline cancels it
      }
    }.exceptionOrNull()
    Progress.line("kotlin", "scope", "6 pages in one scope: $perPage; a scope with a 100 ms deadline threw ${timedOut?.javaClass?.simpleName}")
  }
}
