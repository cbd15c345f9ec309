// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import kotlin.coroutines.Continuation
import kotlin.coroutines.CoroutineContext

/**
 * A queue worker of an [Engine]: the completion of the worker's coroutine, which has no [kotlinx.coroutines.Job]
 * (nothing ever cancels a worker; a task it runs is stopped through the task), and the record through which
 * [Engine.shutdownNow] finds the task the worker runs ([current]: the last one it took up). Being the
 * coroutine's completion and its record in [QueueWorkers] at once, it costs a parked task no more than the
 * `Job` a launched worker had.
 */
internal class QueueWorker(override val context: CoroutineContext, private val engine: Engine) : Continuation<Unit> {
  /** The task this worker took up last (a [QueuedTask] or a [QueuedCoroutine]); written before the worker checks whether the executor stops. */
  @Volatile @JvmField var current: Any? = null

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
