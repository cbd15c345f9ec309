// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.AsyncTask
import dev.corobridge.internal.engine.TaskTrace
import dev.corobridge.internal.scope.QueuedForWorker
import java.util.concurrent.Callable
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.concurrent.TimeoutException
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater
import kotlin.coroutines.Continuation
import kotlin.coroutines.intrinsics.COROUTINE_SUSPENDED
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Job

/**
 * The future returned for a task. Completing it from outside (cancel, complete, completeExceptionally,
 * orTimeout, ...) stops the task: what runs it ([running]: the task's coroutine, or the stage it
 * returned) is cancelled. The engine itself completes it through [succeed] and [fail], which do not.
 * Dependent futures are plain [CompletableFuture]s.
 */
internal open class TaskFuture<T> : CompletableFuture<T>() {
  /**
   * The task's coroutine ([Job]) or the stage it is waiting for ([CompletableFuture]); set by the engine. A queued
   * task shows the [TaskQueue] it waits in until a worker takes it up.
   */
  @Volatile @JvmField var running: Any? = null

  fun succeed(value: T): Boolean = super.complete(value)

  fun fail(error: Throwable): Boolean = super.completeExceptionally(error)

  /** Completes with a value or a [Failed] outcome. */
  @Suppress("UNCHECKED_CAST")
  open fun completeWith(outcome: Any?): Boolean =
    if (outcome is Failed) fail(outcome.error) else succeed(outcome as T)

  /** Records what now runs the task; stops it at once if the future was completed meanwhile. */
  fun runningOn(what: Any) {
    running = what
    if (isDone) stopRunning()
  }

  fun stopRunning() {
    when (val r = running) {
      is Job -> r.cancel()
      this -> (this as QueuedBlockingTask<*>).interruptCall() // a blocking task being called on its worker's thread
      is CompletableFuture<*> -> r.cancel(false)
    }
  }

  override fun cancel(mayInterruptIfRunning: Boolean): Boolean {
    val cancelled = super.cancel(mayInterruptIfRunning)
    stopRunning()
    return cancelled
  }

  override fun complete(value: T): Boolean = super.complete(value).also { if (it) stopRunning() }

  override fun completeExceptionally(ex: Throwable): Boolean = super.completeExceptionally(ex).also { if (it) stopRunning() }
}

/**
 * The future of a task with a timeout: at the deadline it is failed with a [TimeoutException] right after
 * the task was told to stop ([expire]), whether or not the work heeds it; the work's own outcome, when it
 * comes, changes nothing ([expired] is set before the stop, so the engine sees it).
 */
internal class TimedTaskFuture<T> : TaskFuture<T>() {
  @Volatile @JvmField var expired: TimeoutException? = null

  fun expire(timeout: TimeoutException) {
    expired = timeout
    stopRunning()
    fail(timeout)
    // Again once done: if the engine recorded what runs the task only after the first look (a timer thread can
    // fire before runningOn), runningOn may have looked at isDone before the fail; one of the two looks sees both.
    stopRunning()
  }

  /** The work's own outcome, unless the deadline passed first. */
  override fun completeWith(outcome: Any?): Boolean {
    val timeout = expired
    return if (timeout != null) fail(timeout) else super.completeWith(outcome)
  }
}

/**
 * A task without options, waiting in the engine's [TaskQueue] for a worker or running on one. Also the callback through
 * which its worker waits for the stage the task returned, so that a parked task costs no callback object of its own.
 */
internal sealed class QueuedTask<T>(
  /** Fire-and-forget (`spawn`): a failure nobody waits for goes to the uncaught-error handler. */
  @JvmField val spawned: Boolean,
) : TaskFuture<T>(), OutcomeCallback, QueuedForWorker {
  /** While the task waits, [running] is the queue it waits in: the thread about to wait for it may run it there. */
  override fun runHere(tasks: List<CompletableFuture<*>>): Boolean = (running as? TaskQueue)?.runHere(tasks) ?: false

  /** The worker waiting for the task's stage, if it waits. */
  override var waiter: Continuation<Any?>? = null

  /**
   * Makes this task the callback that resumes [cont], its worker's continuation, with the outcome of the stage it runs
   * on ([running]); returns COROUTINE_SUSPENDED. A method of the task, so the waiting worker keeps nothing else.
   */
  fun resumeWhenStageDone(cont: Continuation<Any?>): Any {
    waiter = cont
    (running as CompletableFuture<*>).handle(this)
    return COROUTINE_SUSPENDED
  }

  /** The task gave its worker slot back while waiting for work it started (set and read by its worker only). */
  @JvmField var parked: Boolean = false

  /** Tells the executor's listeners of the task's events; null when it has none. Set before the task is queued. */
  @JvmField var trace: TaskTrace? = null
}

/** Called on a non-blocking worker; the stage it returns is awaited. */
internal class QueuedAsyncTask<T>(@JvmField val call: AsyncTask<*>, spawned: Boolean) : QueuedTask<T>(spawned)

/**
 * Called on a blocking thread by the queue worker that took it up ([callHere]); with [followsStage]
 * (`callAppropriately`), a stage it returns is awaited too. While it is called, the task is what runs it
 * ([running]): stopping it interrupts the call, and only that call, since the worker's thread goes on to other tasks.
 *
 * State: IDLE (not called yet), CALLING ([caller] is in the call), INTERRUPTING (a stop is interrupting [caller]),
 * OVER (called, or stopped; terminal). The worker moves IDLE -> CALLING -> OVER; a stop moves IDLE -> OVER or
 * CALLING -> INTERRUPTING -> OVER, and the worker, finding its call interrupted, waits out INTERRUPTING before it
 * clears the interrupt, so no interrupt reaches the thread's next call.
 */
internal class QueuedBlockingTask<T>(@JvmField val call: Callable<*>, @JvmField val followsStage: Boolean) :
  QueuedTask<T>(spawned = false) {
  @Volatile private var callState: Int = IDLE

  /** The thread in the call; written by the worker before it enters CALLING. */
  @Volatile private var caller: Thread? = null

  /**
   * Calls the task on this thread, marked as a blocking worker of [threads]' engine: the call's value or a [Failed].
   * If the task was stopped before or during the call, a [Failed] with a [CancellationException] (a stage the call
   * returned meanwhile is still recorded as what runs the task, which cancels it). The thread's interrupt status is
   * clear afterwards, as a pool's thread's is before its next task.
   */
  fun callHere(threads: BlockingThreads): Any? {
    runningOn(this)
    caller = Thread.currentThread()
    if (!CALL_STATE.compareAndSet(this, IDLE, CALLING)) return Failed(stopped())
    var value: Any? = null
    try {
      value = threads.callMarked(call)
    } finally {
      val interrupted = !CALL_STATE.compareAndSet(this, CALLING, OVER)
      if (interrupted) {
        while (callState == INTERRUPTING) Thread.onSpinWait()
      }
      Thread.interrupted()
      caller = null
      if (interrupted) {
        if (followsStage && value is CompletionStage<*>) runningOn(value.asFuture()) // done: cancels the stage
        value = Failed(stopped())
      }
    }
    return value
  }

  /** The task was stopped: interrupts the call in progress, if any, and refuses a later one. */
  fun interruptCall() {
    while (true) {
      when (callState) {
        IDLE -> if (CALL_STATE.compareAndSet(this, IDLE, OVER)) return
        CALLING -> if (CALL_STATE.compareAndSet(this, CALLING, INTERRUPTING)) {
          caller?.interrupt()
          callState = OVER
          return
        }
        else -> return
      }
    }
  }

  fun stopped(): CancellationException = CancellationException("the blocking call was interrupted: its task was stopped")

  private companion object {
    const val IDLE = 0
    const val CALLING = 1
    const val INTERRUPTING = 2
    const val OVER = 3
    val CALL_STATE: AtomicIntegerFieldUpdater<QueuedBlockingTask<*>> =
      AtomicIntegerFieldUpdater.newUpdater(QueuedBlockingTask::class.java, "callState")
  }
}
