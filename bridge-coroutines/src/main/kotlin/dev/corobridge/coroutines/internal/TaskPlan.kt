package dev.corobridge.coroutines.internal

import dev.corobridge.AsyncSemaphore
import dev.corobridge.RetryPolicy
import kotlinx.coroutines.sync.Semaphore

/** A named limit declared with `AsyncExecutor.Builder.lane`. */
internal class Lane(@JvmField val name: String, @JvmField val limit: Int) {
  @JvmField val permits = Semaphore(limit)

  /** The plan of a task that asks for nothing but this lane (spawn on a lane). */
  @JvmField val plan = TaskPlan(this, null, RetryPolicy.none(), 0L)
}

/** TaskOptions resolved against one executor: the lane looked up, the timeout in nanoseconds (0 = none). */
internal class TaskPlan(
  @JvmField val lane: Lane?,
  @JvmField val semaphore: AsyncSemaphore?,
  @JvmField val retry: RetryPolicy,
  @JvmField val timeoutNanos: Long,
) {
  /** Nothing but a worker slot: the fast path. */
  @JvmField val plain: Boolean = lane == null && semaphore == null && retry === RetryPolicy.none() && timeoutNanos == 0L

  companion object {
    @JvmField val PLAIN = TaskPlan(null, null, RetryPolicy.none(), 0L)
  }
}
