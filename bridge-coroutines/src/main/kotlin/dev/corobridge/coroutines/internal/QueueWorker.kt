// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import kotlin.coroutines.Continuation
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.intrinsics.COROUTINE_SUSPENDED
import kotlin.coroutines.intrinsics.createCoroutineUnintercepted
import kotlin.coroutines.intrinsics.intercepted
import kotlin.coroutines.intrinsics.startCoroutineUninterceptedOrReturn
import kotlin.coroutines.resume
import kotlinx.coroutines.CoroutineDispatcher

/**
 * A queue worker of an [Engine]: the completion of the worker's coroutine, which has no [kotlinx.coroutines.Job]
 * (nothing ever cancels a worker; a task it runs is stopped through the task), and the record through which
 * [Engine.shutdownNow] finds the task the worker runs ([current]: the last one it took up). Being the
 * coroutine's completion and its record in [QueueWorkers] at once, it costs a parked task no more than the
 * `Job` a launched worker had.
 */
internal class QueueWorker(override val context: CoroutineContext, private val engine: Engine) : Continuation<Unit>, Runnable {
  /** The task this worker took up last (a [QueuedTask] or a [QueuedCoroutine]); written before the worker checks whether the executor stops. */
  @Volatile @JvmField var current: Any? = null

  /** The worker's loop until it starts. */
  private var loop: (suspend () -> Unit)? = null

  /**
   * Starts [body], the worker's loop, as a coroutine completing into this worker, with one dispatch on the executor's
   * dispatcher (as `launch` would start it, without making a dispatched continuation only to run it once). Unless it
   * asks not to be dispatched (an unconfined dispatcher): then it starts as a dispatched coroutine would.
   */
  fun start(body: suspend () -> Unit) {
    val dispatcher = context[ContinuationInterceptor] as CoroutineDispatcher
    if (!dispatcher.isDispatchNeeded(context)) {
      body.createCoroutineUnintercepted(this).intercepted().resume(Unit)
      return
    }
    loop = body
    dispatcher.dispatch(context, this)
  }

  /**
   * The dispatch of [start]: runs the loop until it first suspends, on this thread marked as one of the executor's
   * non-blocking workers, as kotlinx.coroutines would install the executor's one thread-context element ([WorkerMarkElement]
   * in [Engine.scope]) around a dispatched coroutine. Later resumptions are dispatched continuations, as before.
   */
  override fun run() {
    val body = loop!!
    loop = null
    try {
      val done = engine.asNonBlockingWorker { body.startCoroutineUninterceptedOrReturn(this) }
      if (done !== COROUTINE_SUSPENDED) resumeWith(Result.success(Unit))
    } catch (e: Throwable) {
      resumeWith(Result.failure(e))
    }
  }

  // The links of the QueueWorkers list, guarded by its lock.
  @JvmField var previous: QueueWorker? = null
  @JvmField var next: QueueWorker? = null

  /** The worker's loop ended; it catches what its tasks throw, so a failure here is the engine's own bug. */
  override fun resumeWith(result: Result<Unit>) {
    result.exceptionOrNull()?.let(engine::reportUncaught)
  }
}

/**
 * The queue workers alive, as an intrusive doubly-linked list under a lock, in the manner of the worker set of
 * `ThreadPoolExecutor`: a worker is added when it is started and removed when its loop ends, not per task.
 */
internal class QueueWorkers {
  private var head: QueueWorker? = null

  @Synchronized
  fun add(worker: QueueWorker) {
    worker.next = head
    head?.previous = worker
    head = worker
  }

  @Synchronized
  fun remove(worker: QueueWorker) {
    val before = worker.previous
    val after = worker.next
    if (before == null) head = after else before.next = after
    after?.previous = before
    worker.previous = null
    worker.next = null
  }

  /** The tasks the workers run now (a snapshot taken under the lock; the tasks are stopped outside it). */
  @Synchronized
  fun currentTasks(): List<Any> {
    val tasks = ArrayList<Any>()
    var worker = head
    while (worker != null) {
      worker.current?.let(tasks::add)
      worker = worker.next
    }
    return tasks
  }
}
