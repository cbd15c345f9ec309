// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.ExecutorStats
import dev.corobridge.NotSupportedException
import dev.corobridge.ScopeOptions
import dev.corobridge.TaskScope
import dev.corobridge.WaitStrategy
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainOnly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.CountDownLatch
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlin.concurrent.thread
import kotlin.random.Random
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.delay
import kotlinx.coroutines.future.await
import kotlinx.coroutines.withTimeout

/**
 * A Java scope joined from a thread of the caller's own runs the children that still wait for a worker on that
 * thread, the way `ForkJoinTask.join` helps, within the executor's `maxWorkers`. The executors here run their async
 * work on a dispatcher whose one thread is held, so no queue worker can take a child up: whatever runs, the joining
 * thread ran.
 */
class JoiningThreadSpec : FunSpec({
  timeout = 60_000L // a join that does not help hangs: the test fails instead

  /** A dispatcher whose only thread is busy until [release]. */
  class HeldDispatcher {
    private val thread: ExecutorService = Executors.newSingleThreadExecutor { Thread(it, "held-dispatcher").apply { isDaemon = true } }
    private val gate = CountDownLatch(1)
    val dispatcher = thread.also { it.execute { gate.await() } }.asCoroutineDispatcher()

    fun release() {
      gate.countDown()
      thread.shutdown()
    }
  }

  /** Runs [block] on a new plain thread and returns its outcome. */
  suspend fun <T> onPlainThread(name: String = "joiner", block: () -> T): T {
    val outcome = CompletableFuture<T>()
    thread(name = name, isDaemon = true) {
      try {
        outcome.complete(block())
      } catch (e: Throwable) {
        outcome.completeExceptionally(e)
      }
    }
    return withTimeout(20.seconds) { outcome.await() }
  }

  /**
   * Joins, on a new plain thread, a scope whose one child returns [stage]; returns once the child was called, with the
   * outcome of the join to come.
   */
  suspend fun joinChildWaitingFor(executor: CoroutineAsyncExecutor, stage: CompletableFuture<String>): CompletableFuture<String> {
    val called = CountDownLatch(1)
    val joined = CompletableFuture.supplyAsync({
      executor.scoped<String> { scope -> scope.fork { called.countDown(); stage } }.join()
    }, { thread(name = "joiner", isDaemon = true, block = it::run) })
    withTimeout(10.seconds) { while (!called.await(0, TimeUnit.MILLISECONDS)) delay(1) }
    return joined
  }

  test("joining a scoped future from a plain thread runs the queued children on that thread") {
    val held = HeldDispatcher()
    val executor = CoroutineAsyncExecutor(2, held.dispatcher)
    val ranOn = CopyOnWriteArrayList<String>()
    val sum = onPlainThread {
      executor.scoped<Int> { scope ->
        val children = (1..5).map { i -> scope.fork { ranOn.add(Thread.currentThread().name); CompletableFuture.completedFuture(i) } }
        CompletableFuture.allOf(*children.toTypedArray()).thenApply { children.sumOf { it.join() } }
      }.join()
    }
    sum shouldBe 15
    ranOn shouldContainOnly listOf("joiner")
    ranOn.size shouldBe 5
    held.release()
    executor.close()
    executor.stats().let { it.succeeded() shouldBe 5L; it.running() shouldBe 0L }
  }

  test("get() on a scoped future and join() on an open scope run the queued children on the waiting thread") {
    val held = HeldDispatcher()
    val executor = CoroutineAsyncExecutor(2, held.dispatcher)
    val ranOn = CopyOnWriteArrayList<String>()
    onPlainThread {
      executor.scoped<Int> { scope ->
        scope.fork { ranOn.add(Thread.currentThread().name); CompletableFuture.completedFuture(1) }
      }.get()
    } shouldBe 1
    onPlainThread(name = "closer") {
      executor.openScope().use { scope ->
        repeat(3) { scope.fork { ranOn.add(Thread.currentThread().name); CompletableFuture.completedFuture(it) } }
        scope.join()
      }
    }
    ranOn shouldBe listOf("joiner", "closer", "closer", "closer")
    held.release()
    executor.close()
    executor.stats().succeeded() shouldBe 4L
  }

  test("the joining thread runs a child only with a free worker slot, so maxWorkers still bounds what runs") {
    val held = HeldDispatcher()
    val executor = CoroutineAsyncExecutor(1, held.dispatcher) // the queue worker waiting for the held thread has the one slot
    val started = AtomicInteger()
    val ranOn = CopyOnWriteArrayList<String>()
    val joiner = CompletableFuture<Thread>()
    val joined = CompletableFuture.supplyAsync({
      joiner.complete(Thread.currentThread())
      executor.scoped<Int> { scope ->
        scope.fork { started.incrementAndGet(); ranOn.add(Thread.currentThread().name); CompletableFuture.completedFuture(7) }
      }.join()
    }, { thread(name = "joiner", isDaemon = true, block = it::run) })
    val joiningThread = joiner.await()
    withTimeout(10.seconds) { while (joiningThread.state != Thread.State.WAITING) delay(1) } // parked in join
    started.get() shouldBe 0
    held.release() // the queue worker gets its thread and runs the child
    withTimeout(20.seconds) { joined.await() } shouldBe 7
    ranOn shouldBe listOf("held-dispatcher")
    executor.close()
  }

  test("a child run by the joining thread is the executor's async work: a blocking wait inside it is refused") {
    val held = HeldDispatcher()
    val executor = CoroutineAsyncExecutor(2, held.dispatcher)
    val failure = runCatching {
      onPlainThread {
        executor.scoped<String> { scope ->
          scope.fork { CompletableFuture.completedFuture(executor.runBlocking { CompletableFuture.completedFuture("inner") }) }
        }.join()
      }
    }.exceptionOrNull()
    failure.shouldBeInstanceOf<NotSupportedException>() // the scope's failure (await takes off join's CompletionException)
    held.release()
    executor.close()
  }

  test("a child whose stage completes later keeps its slot until then; the scope ends when the stage does") {
    val held = HeldDispatcher()
    val executor = CoroutineAsyncExecutor(2, held.dispatcher)
    val stage = CompletableFuture<String>()
    val joined = joinChildWaitingFor(executor, stage)
    executor.stats().running() shouldBe 2L // the queue worker waiting for its thread, and the child waiting for its stage
    held.release() // the stage's end is handled on the executor's dispatcher
    stage.complete("later")
    withTimeout(20.seconds) { joined.await() } shouldBe "later"
    slotsAllBack(executor)
    executor.close()
    executor.stats().let { it.succeeded() shouldBe 1L; it.running() shouldBe 0L }
  }

  test("a child the joining thread runs whose stage is work it submitted to the same executor gives its slot to that work") {
    val held = HeldDispatcher()
    val executor = CoroutineAsyncExecutor(2, held.dispatcher)
    val childRanOn = CompletableFuture<String>()
    val called = CountDownLatch(1)
    val joined = CompletableFuture.supplyAsync({
      executor.scoped<String> { scope ->
        scope.fork {
          childRanOn.complete(Thread.currentThread().name)
          called.countDown()
          executor.submit { CompletableFuture.completedFuture("nested") } // needs a slot: the child parks
        }
      }.join()
    }, { thread(name = "joiner", isDaemon = true, block = it::run) })
    withTimeout(10.seconds) { while (!called.await(0, TimeUnit.MILLISECONDS)) delay(1) }
    held.release() // the queue workers get their thread and run the nested task
    withTimeout(20.seconds) { joined.await() } shouldBe "nested"
    childRanOn.await() shouldBe "joiner"
    slotsAllBack(executor)
    executor.close()
    executor.stats().let { it.succeeded() shouldBe 2L; it.running() shouldBe 0L }
  }

  test("shutdownNow stops a child the joining thread started whose stage still runs") {
    val held = HeldDispatcher()
    val executor = CoroutineAsyncExecutor(2, held.dispatcher)
    val stage = CompletableFuture<String>()
    val joined = joinChildWaitingFor(executor, stage)
    held.release()
    executor.shutdownNow()
    withTimeout(10.seconds) { while (!stage.isDone) delay(1) }
    stage.isCancelled shouldBe true
    runCatching { withTimeout(20.seconds) { joined.await() } }.exceptionOrNull().shouldBeInstanceOf<Throwable>()
    executor.awaitTermination(java.time.Duration.ofSeconds(20)) shouldBe true
  }

  test("joining from a plain thread while workers take children too never loses one and leaves every slot back (stress)") {
    val executor = CoroutineAsyncExecutor(2)
    val all = ScopeOptions.builder().policy(WaitStrategy.ALL_COMPLETED).build()
    val random = Random(42)
    var expected = ExecutorStats(0, 0, 0, 0, 0, 0, 0)
    repeat(2_000) { round ->
      val kinds = List(8) { random.nextInt(4) } // 0 at once, 1 later, 2 fails, 3 cancelled by the caller
      val outcomes = onPlainThread {
        val scope: TaskScope = executor.openScope(all)
        val children = kinds.mapIndexed { i, kind ->
          scope.fork {
            when (kind) {
              1 -> CompletableFuture.supplyAsync { i }
              2 -> CompletableFuture.failedFuture(IllegalStateException("child $i of round $round"))
              3 -> CompletableFuture<Int>() // never completes: the caller's cancel ends it, queued or running
              else -> CompletableFuture.completedFuture(i)
            }
          }
        }
        children.forEachIndexed { i, child -> if (kinds[i] == 3) child.cancel(false) }
        runCatching { scope.join() }
        scope.close()
        children.map { if (it.isCancelled) "cancelled" else if (it.isCompletedExceptionally) "failed" else "value ${it.join()}" }
      }
      outcomes.forEachIndexed { i, outcome ->
        when (kinds[i]) {
          2 -> outcome shouldBe "failed"
          3 -> outcome shouldBe "cancelled"
          else -> outcome shouldBe "value $i"
        }
      }
      expected = ExecutorStats(expected.submitted() + 8, 0, 0, expected.succeeded() + kinds.count { it < 2 },
        expected.failed() + kinds.count { it == 2 }, expected.cancelled() + kinds.count { it == 3 }, 0)
    }
    slotsAllBack(executor)
    executor.close()
    executor.stats() shouldBe expected // each child counted once, by how it ended
  }
})
