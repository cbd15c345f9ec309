// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater
import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableJob
import kotlinx.coroutines.Job

/**
 * What `runInterruptible` does for each blocking call, set up once for a batch worker that makes many: while the
 * worker's job is active, a call runs on the worker's thread as it is; once the job is cancelled, the call running
 * then is interrupted, and every call ends with a [CancellationException] (the interrupt it caused is cleared first),
 * as with `runInterruptible`. Measured on 2 cores, `runInterruptible` around each trivial item was four fifths of
 * `mapBlocking`'s cost per item (a scope coroutine, a cancellation handler added and removed per call).
 *
 * An element of the worker's context, which [close]s it when it is done; bound to the job of the first coroutine
 * that calls through it (the worker) and used only by that job's own calls: a call from another coroutine that
 * inherited the element (an attempt's timeout runs the item in a coroutine of its own) goes through
 * `runInterruptible` instead, so that *its* cancellation interrupts it.
 *
 * State: IDLE (between calls), CALLING ([thread] is in a call), INTERRUPTING (the job's cancellation is interrupting
 * [thread]), CANCELLED (the job was cancelled; terminal). Only the worker moves IDLE <-> CALLING; the cancellation
 * moves IDLE -> CANCELLED or CALLING -> INTERRUPTING -> CANCELLED, and the worker, finding its call interrupted,
 * waits out INTERRUPTING before it clears the interrupt, so no interrupt outlives the call it was meant for.
 */
internal class CallInterrupter : AbstractCoroutineContextElement(Key), (Throwable?) -> Unit {
  companion object Key : CoroutineContext.Key<CallInterrupter> {
    private const val IDLE = 0
    private const val CALLING = 1
    private const val INTERRUPTING = 2
    private const val CANCELLED = 3
    private val STATE: AtomicIntegerFieldUpdater<CallInterrupter> =
      AtomicIntegerFieldUpdater.newUpdater(CallInterrupter::class.java, "state")
  }

  @Volatile private var state: Int = IDLE

  /** The thread in the current call; written by the worker before it enters CALLING. */
  @Volatile private var thread: Thread? = null

  /** The job whose calls go through here; set once, by the first call. */
  private var job: Job? = null

  /** A child of [job] that is cancelled with it; see [bindTo]. */
  private var watcher: CompletableJob? = null

  /**
   * Runs [call] on the current thread for [caller] (the calling coroutine's job), interruptible by its cancellation;
   * or returns [NOT_HERE] if [caller] is not the job this interrupter serves (then use `runInterruptible`).
   */
  inline fun call(caller: Job, call: () -> Any?): Any? {
    if (!bindTo(caller)) return NOT_HERE
    enter()
    var value: Any? = null
    try {
      value = call()
    } finally {
      leave()
    }
    return value
  }

  /**
   * Whether [caller] is (or now becomes) the job served here. Binding makes a child job of [caller], which is
   * cancelled as soon as [caller] is (its completion is what this hears) and completed by [close].
   */
  fun bindTo(caller: Job): Boolean {
    val bound = job
    if (bound != null) return bound === caller
    job = caller
    Job(caller).also { watcher = it }.invokeOnCompletion(this)
    return true
  }

  /** The worker is done: lets its job complete (the child made by [bindTo] would keep it from completing). */
  fun close() {
    watcher?.complete()
  }

  /** Before a call: refuses it if the job was cancelled. */
  fun enter() {
    thread = Thread.currentThread()
    if (!STATE.compareAndSet(this, IDLE, CALLING)) throw cancelled()
  }

  /** After a call: if the job's cancellation interrupted it meanwhile, clears the interrupt and ends cancelled. */
  fun leave() {
    if (STATE.compareAndSet(this, CALLING, IDLE)) return
    while (state == INTERRUPTING) Thread.onSpinWait()
    Thread.interrupted()
    throw cancelled()
  }

  /**
   * The job is cancelling (or, with no cause, the worker [close]d): interrupts the call in progress, if any, and
   * refuses every later one.
   */
  override fun invoke(cause: Throwable?) {
    if (cause == null) return
    while (true) {
      when (state) {
        IDLE -> if (STATE.compareAndSet(this, IDLE, CANCELLED)) return
        CALLING -> if (STATE.compareAndSet(this, CALLING, INTERRUPTING)) {
          thread?.interrupt()
          state = CANCELLED
          return
        }
        else -> return
      }
    }
  }

  private fun cancelled(): CancellationException =
    CancellationException("Blocking call was interrupted due to parent cancellation")
}

/** What [CallInterrupter.call] returns for a coroutine it does not serve. */
internal val NOT_HERE = Any()
