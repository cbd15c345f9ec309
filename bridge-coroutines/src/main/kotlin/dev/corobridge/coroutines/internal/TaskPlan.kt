// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.AsyncSemaphore
import dev.corobridge.RetryPolicy
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.sync.Semaphore

/** A named limit declared with `AsyncExecutor.Builder.lane`. */
internal class Lane(@JvmField val name: String, @JvmField val limit: Int) {
  @JvmField val permits = Semaphore(limit)

  /** The tasks waiting for a permit now, counted only on the slow path (for [Engine.laneStats]). */
  @JvmField val waiting = AtomicInteger()

  /** The plan of a task that asks for nothing but this lane (spawn on a lane). */
  @JvmField val plan = TaskPlan(this, null, RetryPolicy.none(), 0L, null)
}

/**
 * TaskOptions resolved against one executor: the lane looked up, the timeout in nanoseconds (0 = none),
 * the name as the context of the task's coroutine.
 */
internal class TaskPlan(
  @JvmField val lane: Lane?,
  @JvmField val semaphore: AsyncSemaphore?,
  @JvmField val retry: RetryPolicy,
  @JvmField val timeoutNanos: Long,
  @JvmField val name: String?,
  /** Whether the name must reach the task's code (the stall watchdog, the listeners report by it); else the queue serves it. */
  nameNeeded: Boolean = false,
  /** The bound on each attempt in nanoseconds, 0 = none. */
  @JvmField val attemptTimeoutNanos: Long = 0L,
) {
  /** Nothing but a worker slot (and no name that must be reported): the fast path. */
  @JvmField val plain: Boolean =
    lane == null && semaphore == null && retry === RetryPolicy.none() && timeoutNanos == 0L && attemptTimeoutNanos == 0L &&
      (name == null || !nameNeeded)

  /** Extra context for the task's coroutine: its name, if it has one. */
  @JvmField val context: CoroutineContext = if (name == null) EmptyCoroutineContext else CoroutineName(name)

  /** How the task is called in messages. */
  fun describe(): String = if (name == null) "task" else "task \"$name\""

  companion object {
    @JvmField val PLAIN = TaskPlan(null, null, RetryPolicy.none(), 0L, null)
  }
}
