// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.NotSupportedException
import dev.corobridge.internal.HandOffQueue
import dev.corobridge.internal.OwnThreads
import dev.corobridge.internal.WorkerThreads
import dev.corobridge.internal.scope.LendingWait
import java.util.concurrent.Callable
import java.util.concurrent.CompletableFuture
import java.util.concurrent.RejectedExecutionException
import java.util.concurrent.ThreadPoolExecutor
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.job
import kotlinx.coroutines.launch
import kotlinx.coroutines.runInterruptible
import kotlin.coroutines.Continuation
import kotlin.coroutines.coroutineContext
import kotlin.coroutines.resume

/**
 * The blocking side of an [Engine]: its own blocking threads (created on demand, reused, idle ones retired after a
 * minute, all shut down when the executor terminates; a call reaches a waiting thread through a [HandOffQueue], which
 * neither spins nor favours the thread that waited least), the calls that run there, and the waits of threads for
 * the engine's work (`runBlocking`, a scope's `join`), which lend the waiting task's worker slot. Elastic: the number
 * of blocking calls is bounded by the worker slots (plus slots lent by waits), not by the pool.
 *
 * A blocking call runs with runInterruptible, so cancelling it interrupts the thread and the coroutine resumes only
 * once the call has really returned. Measured on 2 cores, kotlinx's shared IO scheduler took 4x longer than a plain
 * cached pool to run 10,000 sleeps 1,000 at a time, hence the own pool (benchmarks/RESULTS.md, scenario 2b).
 */
internal class BlockingThreads(private val engine: Engine, owner: Any, preferVirtualThreads: Boolean) {
  private val blockingMark = WorkerMark(engine, owner, blocking = true)
  private val commandMark = WorkerMark(engine, owner, blocking = true, holdsSlot = false)
  private val ownThreads = OwnThreads(WorkerThreads.factory(engine.name, "blocking", preferVirtualThreads))
  private val pool = ThreadPoolExecutor(0, Int.MAX_VALUE, 60, TimeUnit.SECONDS, HandOffQueue(), ownThreads)

  /** Where blocking calls run; also where batch workers that only make blocking calls run. */
  val dispatcher: CoroutineDispatcher = pool.asCoroutineDispatcher()

  /** The executor terminated: the threads end, and [termination] completes once none of them is alive. */
  fun terminate(termination: CompletableFuture<Void?>) {
    pool.shutdown()
    ownThreads.completeWhenAllEnded(termination)
  }

  /**
   * Resumes [worker], a queue worker of the engine, with [value] on a blocking thread, marked there as a non-blocking
   * worker (its own code between calls must not block; each blocking task it calls there is marked as a blocking
   * worker's, see [QueuedBlockingTask.callHere]). False if the threads are gone: the executor terminated.
   */
  fun <T> resumeWorker(worker: Continuation<T>, value: T): Boolean = try {
    pool.execute { WorkerMark.with(engine.nonBlockingMark) { worker.resume(value) } }
    true
  } catch (e: RejectedExecutionException) {
    false
  }

  /** Runs a blocking call on a blocking thread, interrupted if the caller is cancelled. */
  suspend fun call(call: Callable<*>): Any? = runInterruptible(dispatcher) { callMarked(call) }

  /**
   * Runs a blocking call on the current thread, which must be one of the blocking threads (a batch
   * worker in [dispatcher]): no dispatch per call, and still interrupted if the caller is cancelled
   * (through the worker's [CallInterrupter] if it has one and the call is its own).
   */
  suspend fun callHere(call: Callable<*>): Any? {
    val context = coroutineContext
    val interrupter = context[CallInterrupter]
    if (interrupter != null) {
      val outcome = interrupter.call(context.job) { callMarked(call) }
      if (outcome !== NOT_HERE) return outcome
    }
    return callInterruptibly(call)
  }

  /** [callHere] for a coroutine without a [CallInterrupter] of its own. */
  private suspend fun callInterruptibly(call: Callable<*>): Any? = runInterruptible { callMarked(call) }

  /** Calls [call] on this (blocking) thread marked as a blocking worker; its value or a [Failed]. */
  fun callMarked(call: Callable<*>): Any? = callMarked(blockingMark, call)

  private fun callMarked(mark: WorkerMark, call: Callable<*>): Any? = WorkerMark.with(mark) {
    try {
      call.call()
    } catch (e: Throwable) {
      Failed(e)
    }
  }

  /**
   * Blocks the calling thread until the future [submit] returns completes. A thread that must not block
   * is refused: a non-blocking worker of any executor, or a `Dispatchers.Default` thread. A blocking
   * task of any executor lends its worker slot to the work it waits for and takes it back afterwards.
   */
  fun <T> awaitFromThread(submit: () -> CompletableFuture<T>): T {
    val worker = LendingWait.current()
    if ((worker is WorkerMark && !worker.blocking) || (worker == null && SharedDispatcher.isAsyncThread())) {
      throw blockingRefused("runBlocking")
    }
    val future = submit()
    if (worker != null) {
      try {
        worker.awaitLendingSlot(future)
      } catch (e: InterruptedException) {
        future.cancel(true)
        Thread.currentThread().interrupt()
        throw java.util.concurrent.CancellationException("interrupted while waiting for the task").apply { initCause(e) }
      } catch (e: NotSupportedException) {
        future.cancel(true) // another runtime's async worker: nothing of this call is left running
        throw e
      }
    }
    return awaitBlocking(future)
  }

  /**
   * A wait on a thread marked by this engine: from a blocking worker it lends the task's worker slot
   * until [done] completes; from a non-blocking worker it is refused.
   */
  fun awaitLendingSlot(mark: WorkerMark, done: CompletableFuture<*>) {
    if (!mark.blocking) throw blockingRefused("a blocking wait (runBlocking, TaskScope.join or close)")
    if (done.isDone) return
    if (!mark.holdsSlot) {
      waitInterruptibly(done)
      return
    }
    engine.releaseWorker()
    try {
      waitInterruptibly(done)
    } finally {
      reacquireWorker()
    }
  }

  private fun waitInterruptibly(done: CompletableFuture<*>) {
    try {
      done.get()
    } catch (e: java.util.concurrent.ExecutionException) {
      // done; the caller reads the outcome
    } catch (e: java.util.concurrent.CancellationException) {
      // done
    }
  }

  /**
   * Runs a command of `execute` on a blocking thread at once, outside `maxWorkers`: the Executor face is
   * how libraries (an HTTP client, a driver) run their callbacks, which tasks in flight may be waiting
   * for, so holding them back behind those tasks could deadlock. Counted in the stats and the lifecycle;
   * a failure goes to the uncaught-error handler.
   */
  fun executeCommand(command: Callable<*>) {
    engine.enter()
    engine.counters.submitted.increment()
    val trace = engine.listeners?.queued(null, null, true)
    engine.scope.launch(dispatcher, CoroutineStart.ATOMIC) {
      val record = engine.registerUnit(coroutineContext.job, coroutineContext.job)
      try {
        trace?.started() // a command runs at once, outside maxWorkers
        val outcome = try {
          // caught where it is thrown: an exception crossing the suspension would come back as a copy
          runInterruptible { callMarked(commandMark, command) }
        } catch (e: Throwable) {
          Failed(e)
        }
        val failed = outcome is Failed
        engine.counters.finished(cancelled = false, failed = failed)
        trace?.finished(false, (outcome as? Failed)?.error)
        if (failed) engine.reportUncaught((outcome as Failed).error)
      } finally {
        engine.unregisterUnit(record)
        engine.exit()
      }
    }
  }

  private fun blockingRefused(what: String) = NotSupportedException(
    "$what called on a thread that runs async work (a non-blocking worker of a coroutine executor, or " +
      "Dispatchers.Default): blocking it could stall every task that shares it. Compose the future instead " +
      "(submit(...), executor.scoped(...); in Kotlin, call the suspend API), or wait from a blocking task (submitBlocking)."
  )

  private fun reacquireWorker() {
    val workers = engine.workers
    if (workers.tryAcquire()) return
    val acquired = CompletableFuture<Unit>()
    GlobalScope.launch(Dispatchers.Unconfined, start = CoroutineStart.UNDISPATCHED) {
      workers.acquire()
      acquired.complete(Unit)
    }
    acquired.join() // uninterruptible: the caller's finally will release this slot
  }
}
