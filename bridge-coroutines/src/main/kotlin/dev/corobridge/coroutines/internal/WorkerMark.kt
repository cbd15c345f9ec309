package dev.corobridge.coroutines.internal

import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.ThreadContextElement

/**
 * Marks the threads that currently run code of one executor's tasks, so that calls which would block
 * such a thread (runBlocking, shutdown with wait) can tell. [blocking] is true on a blocking worker,
 * where blocking is the task's nature, false on a non-blocking one.
 */
internal class WorkerMark(@JvmField val owner: Any, @JvmField val blocking: Boolean) {
  companion object {
    private val current = ThreadLocal<WorkerMark?>()

    /** The mark of the calling thread, or null if it runs no executor's task. */
    fun current(): WorkerMark? = current.get()

    /** Runs [block] with [mark] set on the calling thread, then restores the previous mark. */
    inline fun <R> with(mark: WorkerMark, block: () -> R): R {
      val previous = swap(mark)
      try {
        return block()
      } finally {
        swap(previous)
      }
    }

    fun swap(mark: WorkerMark?): WorkerMark? {
      val previous = current.get()
      current.set(mark)
      return previous
    }
  }
}

/** Sets a [WorkerMark] on whatever thread a task coroutine of the executor resumes on. */
internal class WorkerMarkElement(private val mark: WorkerMark) : ThreadContextElement<WorkerMark?> {
  companion object Key : CoroutineContext.Key<WorkerMarkElement>

  override val key: CoroutineContext.Key<*> get() = Key

  override fun updateThreadContext(context: CoroutineContext): WorkerMark? = WorkerMark.swap(mark)

  override fun restoreThreadContext(context: CoroutineContext, oldState: WorkerMark?) {
    WorkerMark.swap(oldState)
  }
}
