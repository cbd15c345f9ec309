// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.internal.scope.LendingWait
import java.util.concurrent.CompletableFuture
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.ThreadContextElement

/**
 * Marks the threads that currently run code of one executor's tasks, so that calls which would block
 * such a thread (runBlocking, a scope's join, shutdown with wait) can tell. [blocking] is true on a
 * blocking worker, where blocking is the task's nature (and a wait lends the task's worker slot), false
 * on a non-blocking one (where a wait is refused). The mark lives in the thread-local all engines share
 * ([LendingWait.current]).
 */
internal class WorkerMark(
  @JvmField val engine: Engine,
  @JvmField val owner: Any,
  @JvmField val blocking: Boolean,
  /** False for the commands `execute` runs outside the bound, which have no slot to lend. */
  @JvmField val holdsSlot: Boolean = true,
) : LendingWait {
  override fun awaitLendingSlot(done: CompletableFuture<*>) {
    engine.blocking.awaitLendingSlot(this, done)
  }

  companion object {
    /** The mark of the calling thread, or null if it runs no coroutine executor's task. */
    fun current(): WorkerMark? = LendingWait.current() as? WorkerMark

    /** Runs [block] with [mark] set on the calling thread, then restores the previous mark. */
    inline fun <R> with(mark: WorkerMark, block: () -> R): R {
      val previous = LendingWait.swap(mark)
      try {
        return block()
      } finally {
        LendingWait.swap(previous)
      }
    }
  }
}

/** Sets a [WorkerMark] on whatever thread a task coroutine of the executor resumes on. */
internal class WorkerMarkElement(@JvmField val mark: WorkerMark) : ThreadContextElement<LendingWait?> {
  companion object Key : CoroutineContext.Key<WorkerMarkElement>

  override val key: CoroutineContext.Key<*> get() = Key

  override fun updateThreadContext(context: CoroutineContext): LendingWait? = LendingWait.swap(mark)

  override fun restoreThreadContext(context: CoroutineContext, oldState: LendingWait?) {
    LendingWait.swap(oldState)
  }
}

/**
 * The worker mark that is the only thread-context element of [context], or null if it has none or others too. A plain
 * task whose context is such a context plus its job and slot marker, started in place by a queue worker whose thread
 * carries that mark already, has nothing to set on the thread: the worker skips kotlinx's thread-context set-up (two
 * folds over the context) for that first run (see [QueuedCoroutine.startOnWorker]).
 */
internal fun soleWorkerMark(context: CoroutineContext): WorkerMark? {
  val mark = context[WorkerMarkElement]?.mark ?: return null
  val threadElements = context.fold(0) { count, element -> if (element is ThreadContextElement<*>) count + 1 else count }
  return if (threadElements == 1) mark else null
}
