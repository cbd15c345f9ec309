// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.component.AsyncComponent
import dev.corobridge.component.ComponentRunner
import dev.corobridge.component.SyncStreamComponent
import dev.corobridge.coroutines.component.asSuspendComponent
import dev.corobridge.coroutines.component.asSyncComponent
import dev.corobridge.coroutines.component.flow
import dev.corobridge.coroutines.component.suspendComponent
import dev.corobridge.coroutines.component.syncComponent
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeSameInstanceAs
import java.io.IOException
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionException
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeout

/** Components from Kotlin: suspend components, conversions that keep cancellation and exceptions, flows. */
class ComponentSpec : FunSpec({

  /** The exception itself, or the original behind the copy kotlinx makes when it recovers stack traces. */
  fun Throwable.original(): Throwable = if (cause != null && cause!!::class == this::class && cause!!.message == message) cause!! else this

  test("a suspend component stays a task of the executor after it suspends: its dispatcher, its name, its runBlocking guard") {
    val executor = CoroutineAsyncExecutor(2) { name("components") }
    val afterSuspension = suspendComponent<String, String>("probe") {
      delay(5)
      val refused = runCatching { executor.runBlocking { CompletableFuture.completedFuture(1) } }.exceptionOrNull()
      "${kotlin.coroutines.coroutineContext[kotlinx.coroutines.CoroutineName]?.name}/${refused?.javaClass?.simpleName}"
    }
    afterSuspension.applyOn(executor, "x").get(20, TimeUnit.SECONDS) shouldBe "components/NotSupportedException"
    executor.close()
  }

  test("a suspend component fails its future with its own exception and is cancelled with it") {
    withAsyncExecutor(2) {
      val failure = IOException("remote down")
      val failing = suspendComponent<String, String>("failing") { throw failure }
      shouldThrow<CompletionException> { failing.applyOn(executor, "x").join() }.cause shouldBeSameInstanceAs failure

      val started = CompletableDeferred<Unit>()
      val cancelled = CompletableDeferred<Unit>()
      val hanging = suspendComponent<String, String>("hanging") {
        started.complete(Unit)
        try {
          awaitCancellation()
        } finally {
          cancelled.complete(Unit)
        }
      }
      val run = hanging.applyOn(executor, "x")
      started.await()
      run.cancel(true)
      withTimeout(20_000) { cancelled.await() }
    }
  }

  test("an async or sync component seen as a suspend component keeps its exception and is cancelled with the caller") {
    withAsyncExecutor(2) {
      val failure = IllegalStateException("no")
      val async = AsyncComponent<String, String> { CompletableFuture.failedFuture(failure) }.asSuspendComponent(executor)
      shouldThrow<IllegalStateException> { async.invoke("x") }.original() shouldBeSameInstanceAs failure

      val started = CountDownLatch(1)
      val interrupted = CountDownLatch(1)
      val blocking = syncComponent<String, String>("blocking") {
        started.countDown()
        try {
          CountDownLatch(1).await()
        } catch (e: InterruptedException) {
          interrupted.countDown()
        }
        "stopped"
      }.asSuspendComponent(executor)
      val caller = launch { blocking.invoke("x") }
      started.await(20, TimeUnit.SECONDS) shouldBe true
      caller.cancelAndJoin()
      interrupted.await(20, TimeUnit.SECONDS) shouldBe true
    }
  }

  test("a suspend component seen as a sync component blocks for its result and keeps its exception") {
    withAsyncExecutor(2) {
      val doubler = suspendComponent<Int, Int>("doubler") { delay(1); it * 2 }.asSyncComponent()
      doubler.applyOn(executor, 21).join() shouldBe 42
      val failure = IOException("x")
      val failing = suspendComponent<Int, Int>("failing") { throw failure }.asSyncComponent()
      shouldThrow<CompletionException> { failing.applyOn(executor, 1).join() }.cause!!.original() shouldBeSameInstanceAs failure
    }
  }

  test("a runner mixes sync, async and suspend components, discovering each kind at run time") {
    withAsyncExecutor(4) {
      val components = listOf<AsyncComponent<Int, Int>>(
        syncComponent("sync") { it + 1 },
        AsyncComponent { CompletableFuture.completedFuture(it + 2) },
        suspendComponent("suspend") { delay(1); it + 3 },
      )
      val results = ComponentRunner.on(executor).runAll(components, 10).join()
      results.map { it.value() } shouldBe listOf(11, 12, 13)
      results[2].component() shouldBe "suspend"
      ComponentRunner.on(executor).best(components, 10, Comparator.naturalOrder()).join().component() shouldBe "suspend"
    }
  }

  test("a streaming component's flow starts eagerly, ends on take, and carries a producer failure") {
    withAsyncExecutor(2) {
      val started = CountDownLatch(1)
      val endless = object : SyncStreamComponent<Int, Int>() {
        override fun generate(input: Int): Iterator<Int> {
          started.countDown()
          return generateSequence(input) { it + 1 }.iterator()
        }
      }
      val numbers = endless.flow(executor, 5)
      started.await(20, TimeUnit.SECONDS) shouldBe true // before anyone collects
      numbers.take(3).toList() shouldBe listOf(5, 6, 7)

      val failure = IOException("disk")
      val broken = object : SyncStreamComponent<Int, Int>() {
        override fun generate(input: Int): Iterator<Int> = iterator {
          yield(1)
          throw failure
        }
      }
      val collected = mutableListOf<Int>()
      shouldThrow<IOException> { broken.flow(executor, 0).collect { collected += it } }.original() shouldBeSameInstanceAs failure
      collected shouldBe listOf(1)
    }
  }
})
