// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.spi.ContextPropagation
import dev.corobridge.spi.ContextPropagator
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import io.kotest.matchers.types.shouldBeSameInstanceAs
import java.io.IOException
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger
import kotlin.random.Random
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.withContext
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.future.await
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.selects.select
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield

/**
 * The executor's own `async` and `launch` without options: a task holds its worker slot from its start until its
 * block and the children it launched have ended, is counted once by how it ended, and is stopped by shutdown like any
 * other task, whether it found a slot free at submission or had to wait for one.
 */
class ExecutorOwnedTaskSpec : FunSpec({
  timeout = 60_000L // a slot that is never given back shows as a test that fails, not one that hangs

  test("an executor's async holds its worker slot until the children it launched have ended") {
    val executor = CoroutineAsyncExecutor(1)
    val childRelease = CompletableDeferred<Unit>()
    val childStarted = CompletableDeferred<Unit>()
    val parent = executor.async {
      launch { childStarted.complete(Unit); childRelease.await() }
      "parent's value"
    }
    childStarted.await()
    val next = executor.async { "next" }
    repeat(20) { yield() }
    next.isCompleted shouldBe false // the parent's block returned, its child still holds the one slot
    executor.stats().running() shouldBe 1L
    childRelease.complete(Unit)
    parent.await() shouldBe "parent's value"
    next.await() shouldBe "next"
    executor.close()
    executor.stats().let { it.succeeded() shouldBe 2L; it.running() shouldBe 0L }
  }

  test("an executor's async runs under the executor's name and lends its one slot to the work it waits for") {
    val executor = CoroutineAsyncExecutor(1) { name("owned") }
    val task = executor.async {
      val name = coroutineContext[CoroutineName]?.name
      val nested = executor.callAppropriately { "nested" } // needs the one slot, which this task holds
      "$name $nested"
    }
    withTimeout(10_000) { task.await() } shouldBe "owned nested"
    executor.close()
    executor.stats().let { it.succeeded() shouldBe 2L; it.running() shouldBe 0L }
  }

  test("an executor's async lends its one slot from a child coroutine, a coroutineScope and withContext(NonCancellable) too") {
    val executor = CoroutineAsyncExecutor(1)
    val task = executor.async {
      val fromChild = async { executor.callAppropriately { "child" } }.await() // needs the one slot, which the task holds
      val fromScope = coroutineScope { executor.callAppropriately { "scope" } }
      val fromNonCancellable = withContext(NonCancellable) { executor.callAppropriately { "non-cancellable" } }
      listOf(fromChild, fromScope, fromNonCancellable)
    }
    withTimeout(10_000) { task.await() } shouldBe listOf("child", "scope", "non-cancellable")
    executor.close()
    executor.stats().let { it.succeeded() shouldBe 4L; it.running() shouldBe 0L }
  }

  test("an executor's async fails with the failure of a child it launched, and is counted as failed") {
    val executor = CoroutineAsyncExecutor(2)
    val boom = IOException("child")
    val parent = executor.async {
      launch { throw boom }
      awaitCancellation()
    }
    val failure = runCatching { parent.await() }.exceptionOrNull()
    failure.shouldBeInstanceOf<IOException>() // a copy with the awaiting frames when kotlinx recovers stack traces
    failure.message shouldBe "child"
    @OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)
    parent.getCompletionExceptionOrNull() shouldBeSameInstanceAs boom
    executor.close()
    executor.stats().let { it.failed() shouldBe 1L; it.cancelled() shouldBe 0L; it.running() shouldBe 0L }
  }

  test("an executor's launch hands its child's failure to the uncaught-error handler") {
    val reported = CopyOnWriteArrayList<Throwable>()
    val executor = CoroutineAsyncExecutor(2) { onUncaughtError { reported.add(it) } }
    executor.launch { launch { throw IOException("grandchild") } }.join()
    reported.single().message shouldBe "grandchild"
    executor.close()
    executor.stats().failed() shouldBe 1L
  }

  test("a task cancelled while it waits for a slot never runs its block, and leaves no slot taken") {
    val executor = CoroutineAsyncExecutor(1)
    val busyStarted = CompletableDeferred<Unit>()
    val busy = executor.async { busyStarted.complete(Unit); awaitCancellation() }
    busyStarted.await()
    val ran = AtomicInteger()
    val waitingAsync = executor.async { ran.incrementAndGet() }
    val waitingLaunch = executor.launch { ran.incrementAndGet() }
    waitingAsync.cancel()
    waitingLaunch.cancel()
    busy.cancel()
    listOf(busy, waitingAsync, waitingLaunch).joinAll()
    executor.async { "after" }.await() shouldBe "after"
    ran.get() shouldBe 0
    executor.close()
    executor.stats().let { it.cancelled() shouldBe 3L; it.succeeded() shouldBe 1L; it.running() shouldBe 0L }
  }

  test("a task cancelled while it waits for a slot completes at once, while the task holding the slot still runs") {
    val executor = CoroutineAsyncExecutor(1)
    val busyStarted = CompletableDeferred<Unit>()
    val busy = executor.async { busyStarted.complete(Unit); awaitCancellation() }
    busyStarted.await()
    val waiting = executor.async { "never" }
    waiting.cancel()
    withTimeout(10_000) { waiting.join() } // not held back until the slot comes free
    waiting.isCancelled shouldBe true
    busy.isActive shouldBe true
    busy.cancel()
    executor.close()
    executor.stats().let { it.cancelled() shouldBe 2L; it.running() shouldBe 0L; it.queued() shouldBe 0L }
  }

  test("an executor's async answers getCompleted and select like any Deferred") {
    val executor = CoroutineAsyncExecutor(2)
    val value = executor.async { "value" }
    val boom = IOException("boom")
    val failing = executor.async<String> { throw boom }
    value.await()
    runCatching { failing.await() }
    @OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)
    value.getCompleted() shouldBe "value"
    @OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)
    runCatching { failing.getCompleted() }.exceptionOrNull() shouldBeSameInstanceAs boom
    val never = executor.async { awaitCancellation() }
    val later = executor.async { delay(10); "later" }
    select { never.onAwait { "never" }; later.onAwait { it } } shouldBe "later"
    never.cancel()
    executor.close()
  }

  test("getCompleted returns a task's value the moment the task shows as completed, as awaitAll reads it") {
    val executor = CoroutineAsyncExecutor(2)
    val nulls = AtomicInteger()
    repeat(20_000) { i ->
      val task = executor.async { i }
      while (!task.isCompleted) Thread.onSpinWait() // seen from another thread than the one completing it
      @OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)
      if (task.getCompleted() != i) nulls.incrementAndGet()
    }
    nulls.get() shouldBe 0
    val scoped = executor.scope { (0 until 20_000).map { i -> async { i } }.awaitAll() }
    scoped shouldBe (0 until 20_000).toList()
    executor.close()
  }

  test("an executor's async sees a propagated thread context from its first line") {
    val tenant = ThreadLocal<String?>()
    val propagator = object : ContextPropagator<String> {
      override fun capture(): String? = tenant.get()

      override fun install(captured: String): String? = tenant.get().also { tenant.set(captured) }

      override fun uninstall(previous: String?) = tenant.set(previous)
    }
    val executor = CoroutineAsyncExecutor(2)
    ContextPropagation.register(propagator)
    try {
      tenant.set("tenant-3")
      val tasks = List(50) { executor.async { tenant.get() } }
      tenant.remove()
      tasks.map { it.await() } shouldBe List(50) { "tenant-3" }
    } finally {
      ContextPropagation.unregister(propagator)
      tenant.remove()
      executor.close()
    }
  }

  test("shutdown(false, true) cancels the tasks still waiting for a slot and lets the running one finish") {
    val executor = CoroutineAsyncExecutor(1)
    val release = CompletableDeferred<Unit>()
    val started = CompletableDeferred<Unit>()
    val running = executor.async { started.complete(Unit); release.await(); "finished" }
    started.await()
    val ran = AtomicInteger()
    val waiting = List(3) { executor.async { ran.incrementAndGet() } } + executor.launch { ran.incrementAndGet() }
    executor.shutdown(false, true)
    release.complete(Unit)
    running.await() shouldBe "finished"
    waiting.joinAll()
    waiting.forEach { it.isCancelled shouldBe true }
    executor.termination().await()
    ran.get() shouldBe 0
    executor.stats().let { it.succeeded() shouldBe 1L; it.cancelled() shouldBe 4L }
  }

  test("shutdownNow stops running tasks and their children, and the ones waiting for a slot") {
    val executor = CoroutineAsyncExecutor(2)
    val childCancelled = CompletableDeferred<Throwable>()
    val started = CompletableDeferred<Unit>()
    val running = executor.async {
      launch {
        try {
          started.complete(Unit)
          awaitCancellation()
        } catch (e: CancellationException) {
          childCancelled.complete(e)
          throw e
        }
      }
      "never"
    }
    started.await()
    val secondStarted = CompletableDeferred<Unit>()
    val second = executor.launch { secondStarted.complete(Unit); awaitCancellation() }
    secondStarted.await() // both slots taken: the next task has to wait
    val waiting = executor.async { "never either" }
    executor.shutdownNow()
    withTimeout(10_000) {
      listOf(running, second, waiting).joinAll()
      childCancelled.await().shouldBeInstanceOf<CancellationException>()
      executor.termination().await()
    }
    listOf(running, second, waiting).forEach { it.isCancelled shouldBe true }
    executor.stats().let { it.cancelled() shouldBe 3L; it.running() shouldBe 0L }
  }

  test("a random mix of tasks that succeed, fail, are cancelled or wait on children counts each once, by how it ended, and leaves no slot taken") {
    repeat(6) { round ->
      val random = Random(round)
      // 3 slots: most tasks wait for one; 64: most take one at submission
      val executor = CoroutineAsyncExecutor(if (round % 2 == 0) 3 else 64) { onUncaughtError { } }
      val jobs = ArrayList<Job>()
      repeat(2_000) { i ->
        val outcome = random.nextInt(5)
        val pause = random.nextLong(0, 2)
        val block: suspend CoroutineScope.() -> Int = {
          when (outcome) {
            0 -> i
            1 -> throw IOException("task $i")
            2 -> { launch { delay(1) }; i }
            3 -> { launch { yield(); throw IOException("child of $i") }; awaitCancellation() }
            else -> { delay(pause); i }
          }
        }
        jobs += if (random.nextBoolean()) executor.async(block = block) else executor.launch { block() }
        if (random.nextInt(7) == 0) jobs[random.nextInt(jobs.size)].cancel()
      }
      withTimeout(60_000) { jobs.joinAll() }
      executor.close()
      val stats = executor.stats()
      stats.submitted() shouldBe 2_000L
      stats.cancelled() shouldBe jobs.count { it.isCancelled && it.wasCancelledNotFailed() }.toLong()
      stats.failed() shouldBe jobs.count { it.isCancelled && !it.wasCancelledNotFailed() }.toLong()
      stats.succeeded() shouldBe jobs.count { !it.isCancelled }.toLong()
      stats.running() shouldBe 0L
      stats.queued() shouldBe 0L
      executor.termination().isDone shouldBe true
    }
  }
})

/** Whether a job that ended in the cancelled state was cancelled (its cause a cancellation) rather than failed. */
@OptIn(kotlinx.coroutines.InternalCoroutinesApi::class)
private fun Job.wasCancelledNotFailed(): Boolean = getCancellationException().let { it.cause == null || it.cause is CancellationException }
