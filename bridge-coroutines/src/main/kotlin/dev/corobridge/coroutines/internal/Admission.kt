// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import java.util.concurrent.atomic.AtomicBoolean
import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext

/**
 * A task with options counted as waiting to start by an engine whose queue is bounded
 * ([Engine.admitWaiting]; refused at creation when the queue is full): counted out once, when its first
 * attempt takes its worker slot or when it ends without having started. In the task's coroutine context,
 * so that the attempt finds it.
 */
internal class Admission(private val engine: Engine, withinUnit: Boolean) : AbstractCoroutineContextElement(Key) {
  companion object Key : CoroutineContext.Key<Admission>

  private val waiting = AtomicBoolean(true)

  init {
    engine.admitWaiting(withinUnit)
  }

  /** The task started, or ended without starting: it no longer waits. Idempotent. */
  fun started() {
    if (waiting.compareAndSet(true, false)) engine.waitingToStart.decrementAndGet()
  }
}
