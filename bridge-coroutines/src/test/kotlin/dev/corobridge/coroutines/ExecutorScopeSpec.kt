// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.MapOptions
import dev.corobridge.NotSupportedException
import dev.corobridge.ScopeOptions
import dev.corobridge.TaskOptions
import dev.corobridge.WaitStrategy
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import java.io.IOException
import java.lang.ref.WeakReference
import java.time.Duration
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.TimeoutException
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.CoroutineContext
import kotlin.random.Random
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.ThreadContextElement
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.future.await
import kotlinx.coroutines.future.future
import kotlinx.coroutines.job
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.coroutines.yield

/** Spec §6 (Kotlin): scope { }, withAsyncExecutor { } and their structured children. */
/** A caller's thread-local context (like MDC), carried by a ThreadContextElement. */
private val requestId = ThreadLocal<String?>()

private class RequestId(private val id: String) : ThreadContextElement<String?> {
  companion object Key : CoroutineContext.Key<RequestId>

  override val key: CoroutineContext.Key<RequestId> get() = Key

  override fun updateThreadContext(context: CoroutineContext): String? = requestId.get().also { requestId.set(id) }

  override fun restoreThreadContext(context: CoroutineContext, oldState: String?) = requestId.set(oldState)
}

/** Fails unless what [reference] refers to becomes unreachable within 20 s, asking for a collection every 10 ms. */
private suspend fun shouldBeCollected(reference: WeakReference<*>, what: String) {
  val collected = withTimeoutOrNull(20.seconds) {
    while (reference.get() != null) {
      System.gc()
      delay(10)
    }
  }
  withClue("$what is still reachable 20 s after it completed") { collected shouldBe Unit }
}

/**
 * Where a test's body runs. The test framework's coroutine holds copyable thread context elements, so under it no
 * scope child is "plain" (each child's context is made as `async` makes it); most callers' code has nothing to copy,
 * and their plain children take the path where the children's context is merged once per scope. Every test runs in
 * both.
 */
private enum class Caller(val description: String) {
  TEST_FRAMEWORK("the test framework's coroutine") {
    override suspend fun <T> run(body: suspend CoroutineScope.() -> T): T = coroutineScope(body)
  },
  BARE_ROOT("a root coroutine with nothing to copy") {
    override suspend fun <T> run(body: suspend CoroutineScope.() -> T): T =
      CoroutineScope(Dispatchers.IO).async(block = body).await()
  };

  abstract suspend fun <T> run(body: suspend CoroutineScope.() -> T): T
}

class ExecutorScopeSpec : FunSpec({
  timeout = 60_000L // a scope that never ends (a child not attached to it, a slot never given back) fails its test

  for (caller in Caller.entries) context("called from ${caller.description}") {
    /** A test whose body runs in [caller]'s context. */
    suspend fun scopeTest(name: String, body: suspend CoroutineScope.() -> Unit) = test(name) { caller.run(body) }


    /** Fails the test instead of hanging if a nesting deadlocks. */
    suspend fun <T> completes(block: suspend () -> T): T = withTimeout(20.seconds) { block() }

    scopeTest("scope returns the block's value only after every child has finished") {
      val executor = CoroutineAsyncExecutor(4)
      val finished = AtomicInteger()
      val value = executor.scope {
        repeat(5) { i -> launch { delay(10L * i); finished.incrementAndGet() } }
        "block"
      }
      value shouldBe "block"
      finished.get() shouldBe 5
      executor.close()
    }

    scopeTest("a failing child cancels its siblings and the block, and the scope rethrows the child's own exception") {
      val executor = CoroutineAsyncExecutor(4)
      val boom = IOException("boom")
      val siblingCancelled = CompletableDeferred<Unit>()
      val thrown = shouldThrow<IOException> {
        executor.scope {
          launch {
            try { awaitCancellation() } finally { siblingCancelled.complete(Unit) }
          }
          async<Unit> { delay(10); throw boom }
          awaitCancellation() // the block itself is cancelled too
        }
      }
      thrown.message shouldBe "boom"
      siblingCancelled.isCompleted shouldBe true
      executor.close()
    }

    scopeTest("a failing launch is rethrown by the scope, never only handed to the uncaught-error handler") {
      val reported = CopyOnWriteArrayList<Throwable>()
      val executor = CoroutineAsyncExecutor(2) { onUncaughtError { reported.add(it) } }
      shouldThrow<IllegalStateException> {
        executor.scope { launch { error("launched and failed") } }
      }.message shouldBe "launched and failed"
      reported.shouldBeEmpty()
      executor.close()
    }

    scopeTest("cancelling the caller cancels every child and interrupts their blocking calls") {
      val executor = CoroutineAsyncExecutor(4)
      val started = CountDownLatch(2)
      val interrupted = AtomicInteger()
      val result = withTimeoutOrNull(300.milliseconds) {
        executor.scope {
          repeat(2) {
            launch {
              callAppropriately {
                started.countDown()
                try { Thread.sleep(60_000) } catch (e: InterruptedException) { interrupted.incrementAndGet() }
              }
            }
          }
        }
      }
      result shouldBe null
      interrupted.get() shouldBe 2
      slotsAllBack(executor)
      executor.close()
    }

    scopeTest("children carry the caller's CoroutineName and thread context elements into async, map, mapIter and blocking calls") {
      val executor = CoroutineAsyncExecutor(4)
      withContext(CoroutineName("checkout") + RequestId("req-7")) {
        executor.scope {
          async { currentCoroutineContext()[CoroutineName]?.name }.await() shouldBe "checkout"
          async { requestId.get() }.await() shouldBe "req-7"
          callAppropriately { requestId.get() } shouldBe "req-7"
          map(listOf(1, 2)) { requestId.get() } shouldContainExactly listOf("req-7", "req-7")
          mapIter(listOf(1)) { currentCoroutineContext()[CoroutineName]?.name }.toList() shouldContainExactly listOf("checkout")
          async(TaskOptions.builder().name("named-child").build()) { currentCoroutineContext()[CoroutineName]?.name }.await() shouldBe "named-child"
        }
        executor.map(listOf(1)) { requestId.get() } shouldContainExactly listOf("req-7")
        executor.callAppropriately { requestId.get() } shouldBe "req-7"
      }
      executor.close()
    }

    scopeTest("a child sees its caller's thread context element from its first line, in a caller with nothing else to copy") {
      val executor = CoroutineAsyncExecutor(2)
      // A root of its own: the test framework's context holds copyable elements, under which no child is plain.
      val seen = CoroutineScope(Dispatchers.Default).async(RequestId("req-8")) {
        executor.scope { (1..50).map { async { requestId.get() } }.awaitAll() }
      }
      completes { seen.await() } shouldBe List(50) { "req-8" }
      executor.close()
    }

    scopeTest("scopes opened one after another, by one caller or by callers with other elements, give each child its own caller's elements") {
      val executor = CoroutineAsyncExecutor(2)
      suspend fun idsSeen(): List<String?> = executor.scope { (1..3).map { async { requestId.get() } }.awaitAll() }
      val seen = CoroutineScope(Dispatchers.Default).async(RequestId("a")) {
        val rounds = mutableListOf<List<String?>>()
        repeat(3) { rounds += idsSeen() } // one caller, scope after scope
        withContext(RequestId("b")) { repeat(2) { rounds += idsSeen() } } // another caller's context
        rounds += idsSeen() // the first caller again
        rounds += coroutineScope { async(RequestId("c")) { idsSeen() }.await() } // a third, in a child coroutine
        rounds += withContext(Dispatchers.IO) { idsSeen() } // the same elements, another dispatcher
        rounds
      }
      completes { seen.await() } shouldBe listOf("a", "a", "a", "b", "b", "a", "c", "a").map { List(3) { _ -> it } }
      executor.close()
    }

    scopeTest("callers opening scopes at once on one executor, each with its own elements, never see another caller's in their children") {
      val executor = CoroutineAsyncExecutor(4)
      val callers = (1..8).map { c ->
        CoroutineScope(Dispatchers.Default).async(RequestId("caller-$c")) {
          val seen = mutableSetOf<String?>()
          repeat(200) { round ->
            val ids = executor.scope { (1..3).map { async { if (round % 7 == 0) yield(); requestId.get() } }.awaitAll() }
            seen.addAll(ids)
            if (round % 50 == 0) withContext(RequestId("caller-$c-inner")) { seen.addAll(executor.scope { listOf(async { requestId.get() }.await()) }) }
          }
          seen
        }
      }
      val seen = completes { callers.awaitAll() }
      seen.forEachIndexed { i, ids -> ids shouldBe setOf("caller-${i + 1}", "caller-${i + 1}-inner") }
      slotsAllBack(executor)
      executor.close()
    }

    scopeTest("an executor keeps no reference to the coroutine that opened a scope, nor to its elements, once that coroutine has completed") {
      val executor = CoroutineAsyncExecutor(2)
      /** Opens a scope in a root coroutine of its own and returns weak references to its job and to one of its elements. */
      suspend fun openedByACallerSinceGone(): Pair<WeakReference<Job>, WeakReference<RequestId>> {
        val element = RequestId("gone")
        val caller = CoroutineScope(Dispatchers.Default).async(element) {
          executor.scope { async { requestId.get() }.await() } shouldBe "gone"
          ByteArray(1_000_000) // the caller's result, which its job holds once it completed
        }
        caller.await()
        return WeakReference<Job>(caller) to WeakReference(element)
      }
      val (job, element) = completes { openedByACallerSinceGone() }
      shouldBeCollected(job, "the caller's job")
      shouldBeCollected(element, "the caller's context element")
      executor.close()
    }

    scopeTest("an executor keeps no reference to a scope that has ended, whatever its policy or deadline") {
      val executor = CoroutineAsyncExecutor(2)
      for (options in listOf(
        ScopeOptions.defaults(),
        ScopeOptions.builder().policy(WaitStrategy.ALL_COMPLETED).build(),
        ScopeOptions.builder().deadline(Duration.ofMinutes(1)).build(),
      )) {
        /** Runs a scope and returns only a weak reference to its job. */
        suspend fun endedScope(): WeakReference<Job> =
          WeakReference(executor.scope(options) { async { yield() }.await(); coroutineContext.job })
        shouldBeCollected(completes { endedScope() }, "the job of a scope with $options")
      }
      executor.close()
    }

    scopeTest("in a caller with nothing to copy, plain children keep the scope's rules under random outcomes") {
      val executor = CoroutineAsyncExecutor(2)
      // A root of its own, as above: the path most callers' plain children take, which a test's own context never does.
      suspend fun <T> inRoot(block: suspend CoroutineScope.() -> T): T = CoroutineScope(Dispatchers.Default).async(block = block).await()
      val siblingCancelled = CompletableDeferred<Unit>()
      shouldThrow<IOException> {
        completes {
          inRoot {
            executor.scope {
              launch { try { awaitCancellation() } finally { siblingCancelled.complete(Unit) } }
              async<Unit> { delay(10); throw IOException("boom") }
            }
          }
        }
      }.message shouldBe "boom"
      siblingCancelled.isCompleted shouldBe true
      val random = Random(42)
      val kinds = List(2_000) { random.nextInt(3) } // a value at once, after a suspension, or from a blocking call
      val values = completes {
        inRoot {
          executor.scope {
            kinds.mapIndexed { i, kind -> async { when (kind) { 0 -> i; 1 -> { yield(); i }; else -> callAppropriately { i } } } }.awaitAll()
          }
        }
      }
      values shouldBe List(2_000) { it }
      slotsAllBack(executor)
      executor.close()
    }

    scopeTest("children run under the executor's limits and lanes declared through withAsyncExecutor's configure") {
      val inFlight = AtomicInteger()
      val most = AtomicInteger()
      withAsyncExecutor(maxWorkers = 8, configure = { lane("reports", 2) }) {
        val lane = TaskOptions.builder().lane("reports").build()
        (1..10).map {
          async(lane) {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max)
            delay(5)
            inFlight.decrementAndGet()
          }
        }.awaitAll()
      }
      most.get() shouldBeLessThanOrEqual 2
    }

    scopeTest("ALL_COMPLETED cancels nothing and rethrows the first failure at the end") {
      val executor = CoroutineAsyncExecutor(4)
      val slowFinished = AtomicBoolean()
      shouldThrow<IOException> {
        executor.scope(ScopeOptions.builder().policy(WaitStrategy.ALL_COMPLETED).build()) {
          launch { throw IOException("first") }
          launch { delay(50); slowFinished.set(true) }
        }
      }.message shouldBe "first"
      slowFinished.get() shouldBe true
      executor.close()
    }

    scopeTest("FIRST_SUCCESS cancels the others at the first success and fails only if every child failed") {
      val executor = CoroutineAsyncExecutor(4)
      val loserCancelled = AtomicBoolean()
      val winner = executor.scope(ScopeOptions.builder().policy(WaitStrategy.FIRST_SUCCESS).build()) {
        launch { try { awaitCancellation() } finally { loserCancelled.set(true) } }
        launch { throw IOException("a failure does not end it") }
        async { delay(20); "fast" }.await()
      }
      winner shouldBe "fast"
      loserCancelled.get() shouldBe true
      shouldThrow<IOException> {
        executor.scope(ScopeOptions.builder().policy(WaitStrategy.FIRST_SUCCESS).build()) {
          launch { throw IOException("one") }
          launch { delay(10); throw IOException("two") }
        }
      }.message shouldBe "one"
      executor.close()
    }

    scopeTest("FIRST_COMPLETED cancels the rest when the first child finishes") {
      val executor = CoroutineAsyncExecutor(4)
      val cancelled = AtomicInteger()
      executor.scope(ScopeOptions.builder().policy(WaitStrategy.FIRST_COMPLETED).build()) {
        repeat(2) { launch { try { awaitCancellation() } finally { cancelled.incrementAndGet() } } }
        launch { delay(10) }
      }
      cancelled.get() shouldBe 2
      executor.close()
    }

    scopeTest("a deadline cancels every child and throws TimeoutException") {
      val executor = CoroutineAsyncExecutor(4)
      val cancelled = AtomicBoolean()
      val timeout = shouldThrow<TimeoutException> {
        executor.scope(ScopeOptions.builder().deadline(Duration.ofMillis(50)).name("pages").build()) {
          launch { try { awaitCancellation() } finally { cancelled.set(true) } }
        }
      }
      timeout.message!! shouldContain "pages"
      cancelled.get() shouldBe true
      executor.close()
    }

    scopeTest("a Java scope opened inside a Kotlin child is cancelled with it") {
      val executor = CoroutineAsyncExecutor(4)
      val started = CountDownLatch(1)
      val interrupted = AtomicBoolean()
      withTimeoutOrNull(300.milliseconds) {
        executor.scope {
          launch {
            executor.scoped { scope ->
              scope.forkBlocking {
                started.countDown()
                try { Thread.sleep(60_000) } catch (e: InterruptedException) { interrupted.set(true) }
              }
              CompletableFuture<Unit>()
            }.await()
          }
        }
      }
      started.await(20, TimeUnit.SECONDS) shouldBe true
      executor.close()
      interrupted.get() shouldBe true
    }

    scopeTest("cancelling a Java scope cancels a Kotlin scope running in one of its children, and that scope's children") {
      val executor = CoroutineAsyncExecutor(4)
      val started = CompletableDeferred<Unit>()
      val kotlinChildCancelled = CompletableDeferred<Unit>()
      val javaScope = executor.scoped { scope ->
        scope.fork {
          @OptIn(kotlinx.coroutines.DelicateCoroutinesApi::class)
          kotlinx.coroutines.GlobalScope.future {
            executor.scope {
              launch {
                started.complete(Unit)
                try { awaitCancellation() } finally { kotlinChildCancelled.complete(Unit) }
              }
            }
          }
        }
        CompletableFuture<Unit>()
      }
      completes { started.await() }
      javaScope.cancel(true)
      completes { kotlinChildCancelled.await() }
      executor.close()
    }

    for (maxWorkers in listOf(1, 2)) {
      scopeTest("no deadlock at maxWorkers $maxWorkers: tasks that await callAppropriately of their own executor") {
        val executor = CoroutineAsyncExecutor(maxWorkers)
        val tasks = (1..4).map { i -> executor.async { executor.callAppropriately { i } } }
        completes { tasks.awaitAll() } shouldContainExactly listOf(1, 2, 3, 4)
        executor.close()
      }

      scopeTest("no deadlock at maxWorkers $maxWorkers: map items that call callAppropriately and map") {
        val executor = CoroutineAsyncExecutor(maxWorkers)
        val results = completes {
          executor.map((1..6).toList()) { i ->
            delay(5)
            executor.callAppropriately { i } + executor.map(listOf(i)) { it }.single()
          }
        }
        results shouldContainExactly (1..6).map { it * 2 }
        executor.close()
      }

      scopeTest("no deadlock at maxWorkers $maxWorkers: scopes nested in the children of scopes") {
        val executor = CoroutineAsyncExecutor(maxWorkers)
        val leaves = completes {
          executor.scope {
            (1..3).map {
              async { scope { (1..3).map { async { callAppropriately { 1 } } }.awaitAll().sum() } }
            }.awaitAll().sum()
          }
        }
        leaves shouldBe 9
        executor.close()
      }
    }

    scopeTest("a plain child lends its one slot to a nested scope, also in a caller context with nothing of the test's") {
      val executor = CoroutineAsyncExecutor(1)
      // A fresh runBlocking: no element of the test framework's context, so the children's context is merged once per
      // scope (with kotlinx.coroutines' debug mode off) and each child adds only its slot marker and job.
      val leaves = withContext(Dispatchers.IO) {
        kotlinx.coroutines.runBlocking {
          withTimeout(10_000) {
            executor.scope {
              (1..2).map { async { scope { (1..2).map { async { callAppropriately { 1 } } }.awaitAll().sum() } } }.awaitAll().sum()
            }
          }
        }
      }
      leaves shouldBe 4
      executor.close()
    }

    scopeTest("a coroutine that outlives its child's block and lends the child's slot leaves no slot behind") {
      val executor = CoroutineAsyncExecutor(1)
      repeat(20) { round ->
        completes {
          executor.scope {
            async {
              launch { executor.callAppropriately { Thread.sleep((round % 3).toLong()) } } // a plain launch: outlives the block
              launch { delay(5); executor.callAppropriately { } }
              "block returned"
            }.await()
          }
        }
      }
      completes { executor.scope { (1..3).map { i -> async { callAppropriately { i } } }.awaitAll() } } shouldContainExactly listOf(1, 2, 3)
      slotsAllBack(executor)
      executor.close()
    }

    scopeTest("a child started in a scope that is already cancelled never runs its block, completes cancelled, and is counted once") {
      val executor = CoroutineAsyncExecutor(2)
      val ran = AtomicInteger()
      val children = ArrayList<Job>()
      runCatching {
        executor.scope {
          cancel()
          repeat(3) { children += async { ran.incrementAndGet() } }
          withContext(NonCancellable) { children.joinAll() }
        }
      }.exceptionOrNull().shouldBeInstanceOf<kotlinx.coroutines.CancellationException>()
      children.forEach { it.isCancelled shouldBe true }
      ran.get() shouldBe 0
      executor.close()
      executor.stats().let { it.cancelled() shouldBe 3L; it.submitted() shouldBe 3L; it.running() shouldBe 0L; it.queued() shouldBe 0L }
    }

    scopeTest("a Kotlin call whose caller is already cancelled counts as cancelled: the stats balance") {
      val executor = CoroutineAsyncExecutor(2)
      runCatching {
        kotlinx.coroutines.coroutineScope {
          cancel()
          executor.callAppropriately { 1 }
        }
      }.exceptionOrNull().shouldBeInstanceOf<kotlinx.coroutines.CancellationException>()
      val stats = executor.stats()
      stats.submitted() shouldBe stats.succeeded() + stats.failed() + stats.cancelled()
      stats.cancelled() shouldBe 1L
      executor.close()
    }

    scopeTest("runBlocking is refused on a Dispatchers.Default thread and allowed on Dispatchers.IO") {
      val executor = CoroutineAsyncExecutor(2)
      val refused = withContext(Dispatchers.Default) {
        runCatching { executor.runBlocking { CompletableFuture.completedFuture(1) } }.exceptionOrNull()
      }
      refused.shouldBeInstanceOf<NotSupportedException>()
      refused.message!! shouldContain "Dispatchers.Default"
      withContext(Dispatchers.IO) { executor.runBlocking { CompletableFuture.completedFuture(2) } } shouldBe 2
      executor.close()
    }

    for (maxWorkers in listOf(1, 2)) {
      scopeTest("async tasks of one executor calling another executor's runBlocking are refused, not parked (maxWorkers $maxWorkers)") {
        val a = CoroutineAsyncExecutor(maxWorkers)
        val b = CoroutineAsyncExecutor(maxWorkers)
        val outcomes = (1..4).map {
          a.submit {
            CompletableFuture.completedFuture(runCatching { b.runBlocking { CompletableFuture.completedFuture(1) } }.exceptionOrNull())
          }
        }
        completes { outcomes.map { it.await() } }.forEach { it.shouldBeInstanceOf<NotSupportedException>() }
        // Dispatchers.Default was never parked: other coroutines and both executors still make progress
        completes { withContext(Dispatchers.Default) { a.callAppropriately { 1 } + b.callAppropriately { 2 } } } shouldBe 3
        a.close()
        b.close()
      }
    }

    scopeTest("runBlocking is refused inside a structured child, which runs on the executor's async dispatcher") {
      val executor = CoroutineAsyncExecutor(2)
      executor.scope {
        async { runCatching { executor.runBlocking { CompletableFuture.completedFuture(1) } }.exceptionOrNull() }.await()
      }.shouldBeInstanceOf<NotSupportedException>()
      executor.close()
    }

    scopeTest("the README's Kotlin quick start runs as written") {
      val published = CopyOnWriteArrayList<String>()
      val shown = CopyOnWriteArrayList<Int>()
      suspend fun get(url: String) = url.length
      suspend fun load(id: Int) = id * 2
      fun buildReport() = "report"
      withAsyncExecutor(maxWorkers = 16, configure = { lane("reports", 2) }) {
        val urls = listOf("a", "bb")
        val pages = map(urls) { url -> get(url) }
        pages shouldContainExactly listOf(1, 2)
        mapIter((1..100).toList()) { id -> load(id) }.toList().take(10).forEach { shown.add(it) }
        val report = async(TaskOptions.builder().lane("reports").build()) { buildReport() }
        val config = callAppropriately { "app.conf".length }
        config shouldBe 8
        asCompleted(listOf(report)).toList().forEach { published.add(it) }
      }
      published shouldContainExactly listOf("report")
      shown shouldContainExactly (1..10).map { it * 2 }
    }

    scopeTest("MapOptions work from an ExecutorScope") {
      withAsyncExecutor(4) {
        map((1..20).toList(), MapOptions.builder().window(2).build()) { it }.size shouldBe 20
      }
    }
  }
})
