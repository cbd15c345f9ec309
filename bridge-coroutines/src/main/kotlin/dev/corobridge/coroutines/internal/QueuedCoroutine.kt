// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.internal.scope.LendingWait
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater
import kotlin.coroutines.Continuation
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.coroutines.intrinsics.COROUTINE_SUSPENDED
import kotlin.coroutines.intrinsics.createCoroutineUnintercepted
import kotlin.coroutines.intrinsics.startCoroutineUninterceptedOrReturn
import kotlin.coroutines.resume
import kotlinx.coroutines.AbstractCoroutine
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.InternalCoroutinesApi
import kotlinx.coroutines.InternalForInheritanceCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.selects.SelectClause1

/*
 * The executor-owned Kotlin `async`/`launch` of a task that asks for nothing but a worker slot (a plain plan) while
 * no listener hears the executor's tasks: a coroutine of the engine's own, queued in the engine's [TaskQueue] like a
 * Java task without options and started there, UNDISPATCHED, by a queue worker that holds a slot. A burst of tasks
 * therefore costs no dispatch and no semaphore wait per task: a worker runs task after task, as it runs Java tasks.
 *
 * The coroutine is its own bookkeeping. While queued, [state] holds the block; a worker claims it (block ->
 * STARTED), marks the task's [HeldSlot] taken and starts the block in place. If the block completes at once (its
 * children too), the worker keeps the slot and goes on to the next task. If it suspends, the worker detaches
 * (STARTED -> REGISTERED: the coroutine is its own record among the engine's units in flight, registered first, so
 * that shutdownNow finds it) and leaves the slot to the task, which gives it back when it completes. Completion counts
 * the task by how it ended and gives the slot back before anyone awaiting it resumes ([onCompleted], [onCancelled]);
 * the engine counts it out once its state is final ([afterCompletion]).
 *
 * A task cancelled while queued (block -> DROPPED) never runs its block and completes at once, through one dispatch
 * (completing it from inside kotlinx's cancellation would re-enter the job's state machine); shutdown drops what is
 * still queued the same way. The job completes only after its children, so the slot is held until they have ended.
 *
 * Its context is one object, which is its slot marker too ([QueuedTaskContext]); with the coroutine as its own record,
 * a parked plain task holds no object of the engine's but those two.
 *
 * The executor's own `async` ([QueuedCoroutine]) and `launch` ([QueuedLaunch]) have no parent job: they belong to the
 * executor, not to their caller. A child of an [dev.corobridge.coroutines.ExecutorScope] ([QueuedChild]) is a child
 * of the scope's job, attached once its own fields are set (a scope already cancelled cancels it at once, and that
 * must find the block), and is stopped by shutdownNow with its scope, so it registers no record of its own.
 *
 * AbstractCoroutine is kotlinx.coroutines' base for coroutine builders (`@InternalCoroutinesApi`), and implementing
 * `Deferred` needs an opt-in of its own (`@InternalForInheritanceCoroutinesApi`), as kotlinx's own `DeferredCoroutine`
 * does it on the same base. Neither promises stability: the library's tests run on the oldest kotlinx.coroutines we
 * support and the samples' tests (Kotlin tasks and scopes among them) on the newest. Should a version refuse it, a
 * plain `scope.async` per task is the way back (benchmarks/ANALYSIS.md says what that costs).
 */
@OptIn(InternalCoroutinesApi::class, InternalForInheritanceCoroutinesApi::class, ExperimentalCoroutinesApi::class)
internal open class QueuedCoroutine<T>(context: QueuedTaskContext, block: suspend CoroutineScope.() -> T) :
  AbstractCoroutine<T>(context, initParentJob = false, active = true), Deferred<T>, Runnable, UnitInFlight {
  /** The block while queued, then STARTED, detached (REGISTERED, or ALONE), ENDED; or DROPPED. */
  @Volatile private var state: Any? = block

  /** The task's slot marker: its context (not a field of its own, which would cost the coroutine 8 bytes). */
  protected val slot: QueuedTaskContext get() = context as QueuedTaskContext

  // The coroutine as its own record among the engine's units in flight, once it runs detached (see [UnitInFlight]).
  override val job: Job get() = this
  override val stops: Any get() = this
  override var stripe: UnitRegistry.Stripe? = null
  override var previous: UnitInFlight? = null
  override var next: UnitInFlight? = null

  /**
   * Starts the task in place on a queue worker that holds a slot; false if it was dropped first (cancelled while
   * queued: it completes on its own). The worker then calls [detach].
   */
  fun startOnWorker(): Boolean {
    val block = state
    if (!isBlock(block) || !STATE.compareAndSet(this, block, STARTED)) return false
    slot.taken()
    @Suppress("UNCHECKED_CAST")
    block as suspend CoroutineScope.() -> T
    if (slot.inBareContext && LendingWait.current() === slot.engine.nonBlockingMark) {
      block.createCoroutineUnintercepted(this, this).resume(Unit) // the thread has the task's context already
    } else {
      start(CoroutineStart.UNDISPATCHED, this, block)
    }
    return true
  }

  /**
   * After [startOnWorker] returned: if the task suspended, it keeps the worker's slot and gives it back when it
   * completes; returns [DETACHED]. If it completed, the worker has its slot back ([KEPT]), unless the task had lent it
   * to work that outlives it ([GIVEN_AWAY], see [HeldSlot.release]).
   */
  fun detach(engine: Engine): Int {
    if (state === STARTED) {
      val detached = detachedState(engine)
      if (STATE.compareAndSet(this, STARTED, detached)) return DETACHED
      if (detached === REGISTERED) engine.unregisterUnit(this) // completed meanwhile
    }
    return if (slot.release()) KEPT else GIVEN_AWAY
  }

  /**
   * The state of the task running detached from its worker: REGISTERED among the units shutdownNow stops, before the
   * state is published (a completion that finds it can unregister the task).
   */
  protected open fun detachedState(engine: Engine): Any {
    engine.registerUnit(this)
    return REGISTERED
  }

  /** Completes a task that is still queued as cancelled with [cause], its block never run; false if it had started. */
  fun drop(cause: CancellationException): Boolean {
    val block = state
    if (!isBlock(block) || !STATE.compareAndSet(this, block, DROPPED)) return false
    resumeWith(Result.failure(cause))
    return true
  }

  /** Cancelled while queued: completes at once, from a dispatch (see the overview). */
  override fun onCancelling(cause: Throwable?) {
    if (cause == null) return
    val block = state
    if (!isBlock(block) || !STATE.compareAndSet(this, block, DROPPED)) return
    try {
      slot.engine.dispatch(context, this)
    } catch (e: Throwable) { // the executor's dispatcher refused (closed): the default one completes it
      Dispatchers.Default.dispatch(context, this)
    }
  }

  /** The completion of a task dropped by [onCancelling]: its block never ran. */
  override fun run() {
    resumeWith(Result.failure(getCancellationException()))
  }

  override fun onCompleted(value: T) {
    ended(failed = false, cancelled = false)
  }

  override fun onCancelled(cause: Throwable, handled: Boolean) {
    val cancelled = cause is CancellationException
    ended(failed = !cancelled, cancelled = cancelled)
  }

  /** Counts the task by how it ended and gives its slot back if it holds it detached from its worker. */
  private fun ended(failed: Boolean, cancelled: Boolean) {
    val engine = slot.engine
    try {
      engine.counters.finished(cancelled = cancelled, failed = failed)
      while (true) {
        when (val s = state) {
          STARTED -> if (STATE.compareAndSet(this, STARTED, ENDED)) return // the worker takes the slot back
          REGISTERED, ALONE -> if (STATE.compareAndSet(this, s, ENDED)) {
            if (s === REGISTERED) engine.unregisterUnit(this)
            if (slot.release()) engine.releaseWorker()
            return
          }
          else -> return // dropped before it started: it holds no slot
        }
      }
    } catch (e: Throwable) { // the engine's own bug: never into kotlinx's completion
      engine.reportUncaught(e)
    }
  }

  /** The job's state is final: the engine counts the task out (a close() waiting for it returns after this). */
  override fun afterCompletion(state: Any?) {
    slot.engine.exit()
  }

  @Suppress("UNCHECKED_CAST")
  override suspend fun await(): T = awaitInternal() as T

  @Suppress("UNCHECKED_CAST")
  override val onAwait: SelectClause1<T>
    get() = onAwaitInternal as SelectClause1<T>

  /**
   * The value of the completed task, which only the job's state holds (kotlinx keeps its own reader of it to itself):
   * [awaitInternal], started in place, returns it at once from a job that has completed, without suspending.
   */
  @Suppress("UNCHECKED_CAST")
  @ExperimentalCoroutinesApi
  override fun getCompleted(): T {
    check(isCompleted) { "This job has not completed yet" }
    getCompletionExceptionOrNull()?.let { throw it }
    val value = this::awaitInternal.startCoroutineUninterceptedOrReturn(NeverResumed)
    check(value !== COROUTINE_SUSPENDED) { "A completed job suspended its await" }
    return value as T
  }

  /** Whether [state] still holds the block: the task is queued. */
  private fun isBlock(state: Any?): Boolean = state !is Marker

  /** The states after the block: a class of their own, so that no block is ever taken for one. */
  private class Marker(private val name: String) {
    override fun toString(): String = name
  }

  companion object {
    /** [detach]: the task suspended and holds the slot; the worker leaves it. */
    const val DETACHED = 0

    /** [detach]: the task completed and the worker holds the slot again. */
    const val KEPT = 1

    /** [detach]: the task completed having lent the slot to work that outlived it; the worker holds none. */
    const val GIVEN_AWAY = 2

    private val STARTED: Any = Marker("STARTED")

    /** Detached from its worker, registered as its own record among the engine's units in flight. */
    private val REGISTERED: Any = Marker("REGISTERED")

    /** Detached from its worker, with no record of its own ([QueuedChild]). */
    internal val ALONE: Any = Marker("ALONE")
    private val ENDED: Any = Marker("ENDED")
    private val DROPPED: Any = Marker("DROPPED")

    /** The continuation of [getCompleted]'s await, which never suspends. */
    private object NeverResumed : Continuation<Any?> {
      override val context: CoroutineContext get() = EmptyCoroutineContext

      override fun resumeWith(result: Result<Any?>): Unit = error("A completed job's await resumed later")
    }

    private val STATE: AtomicReferenceFieldUpdater<QueuedCoroutine<*>, Any?> =
      AtomicReferenceFieldUpdater.newUpdater(QueuedCoroutine::class.java, Any::class.java, "state")
  }
}

/** A plain Kotlin `launch`: a failure nobody awaits goes to the executor's uncaught-error handler. */
internal class QueuedLaunch(context: QueuedTaskContext, block: suspend CoroutineScope.() -> Unit) :
  QueuedCoroutine<Unit>(context, block) {
  override fun handleJobException(exception: Throwable): Boolean {
    slot.engine.reportUncaught(exception)
    return true
  }
}

/**
 * A plain child of an [dev.corobridge.coroutines.ExecutorScope]: a child of the scope's [parent] job (its failure
 * cancels the scope, the scope's cancellation cancels it), stopped by shutdownNow with the scope.
 */
internal class QueuedChild<T>(context: QueuedTaskContext, block: suspend CoroutineScope.() -> T, parent: Job) :
  QueuedCoroutine<T>(context, block) {
  init {
    initParentJob(parent) // after the fields: a parent already cancelled cancels this child here
  }

  override fun detachedState(engine: Engine): Any = ALONE
}
