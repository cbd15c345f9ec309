// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.withContext

/**
 * Whether the Kotlin task coroutine that carries this element (and its children) currently holds a
 * worker slot of [engine]. A suspend entry point of the same executor called from such a task (map,
 * callAppropriately, scope, ...) waits for work that needs a slot, so it lends the task's slot while it
 * waits ([lendingSlot]) and takes it back, not cancellably, before the task goes on: nested work never
 * starves the task that waits for it, and `maxWorkers` still bounds the tasks that run.
 *
 * A Java async task with options parks instead (see [dev.corobridge.internal.scope.CallFrame]): its
 * stage waits for work it started, so it gives its slot back for good (HELD -> PARKED) and the attempt
 * ends without giving it back again.
 *
 * State: FREE (no slot: before the attempt took it, after it gave it back), HELD, LENT, PARKED,
 * ABANDONED. Only one waiter lends at a time (HELD -> LENT) and takes the slot back after (LENT -> HELD).
 * The attempt gives the slot back only when it is HELD; if it ends while the slot is lent (a lender in a
 * coroutine that outlives the attempt's body), it marks it ABANDONED and the lender gives back the slot
 * it takes again.
 *
 * A plain queued Kotlin task's marker is its whole context ([QueuedTaskContext], a subclass); the contexts derived
 * from it carry a view of it ([QueuedTaskContext.SlotView]) that overrides every operation below to act on it.
 */
internal open class HeldSlot(
  @JvmField val engine: Engine,
  /**
   * True for a plain task whose context carries no thread-context element but the mark of the engine's non-blocking
   * workers: a queue worker of the engine, whose thread carries that mark already, starts it in place with nothing to
   * set on the thread (see [QueuedCoroutine.startOnWorker]).
   */
  @JvmField val inBareContext: Boolean = false,
) : CoroutineContext.Element {
  /** A getter, not a field: the marker is two fields and a flag, so one object of 24 bytes per task. */
  override val key: CoroutineContext.Key<*> get() = Key

  companion object Key : CoroutineContext.Key<HeldSlot> {
    private const val FREE = 0
    private const val HELD = 1
    private const val LENT = 2
    private const val PARKED = 3
    private const val ABANDONED = 4
    private val STATE: AtomicIntegerFieldUpdater<HeldSlot> = AtomicIntegerFieldUpdater.newUpdater(HeldSlot::class.java, "state")
  }

  /** FREE, HELD, LENT or PARKED; a field with an updater, so the element is one small object per task. */
  @Volatile private var state: Int = FREE

  /**
   * The task's attempt took its slot. A lazy write: lenders and parkers run inside the attempt's body,
   * which starts after this in the same coroutine, so they see it without a fence.
   */
  open fun taken() {
    STATE.lazySet(this, HELD)
  }

  /** The task's attempt is about to give its slot back. */
  open fun givenBack() {
    state = FREE
  }

  open fun tryLend(): Boolean = STATE.compareAndSet(this, HELD, LENT)

  /** The task gives its slot back for the rest of the attempt; the caller releases it. */
  open fun tryPark(): Boolean = STATE.compareAndSet(this, HELD, PARKED)

  /**
   * The attempt ends: whether it still holds its slot and must give it back. Not if it parked (the slot
   * went back then), nor if a coroutine that outlives the attempt's body (a plain `launch` in a child)
   * has it lent: that lender then gives back the slot it takes again ([reclaimed]).
   */
  open fun release(): Boolean {
    while (true) {
      when (val s = state) {
        HELD -> if (STATE.compareAndSet(this, HELD, FREE)) return true
        LENT -> if (STATE.compareAndSet(this, LENT, ABANDONED)) return false
        else -> if (STATE.compareAndSet(this, s, FREE)) return false
      }
    }
  }

  /** A lender took a slot again: false if the attempt ended meanwhile, and then the lender must give it back. */
  open fun reclaimed(): Boolean {
    if (STATE.compareAndSet(this, LENT, HELD)) return true
    STATE.compareAndSet(this, ABANDONED, FREE) // else a later attempt has its own slot: leave its state alone
    return false
  }
}

/** Runs [block], which holds the task's worker slot, marked as holding it (nothing if there is no marker). */
internal inline fun <T> HeldSlot?.holding(block: () -> T): T {
  if (this == null) return block()
  taken()
  try {
    return block()
  } finally {
    givenBack()
  }
}

/**
 * Runs [block], lending the calling task's worker slot of this engine meanwhile if it holds one (see
 * [HeldSlot]).
 */
internal suspend inline fun <T> Engine.lendingSlot(block: () -> T): T {
  val holder = currentCoroutineContext()[HeldSlot]
  if (holder == null || holder.engine !== this || !holder.tryLend()) return block()
  releaseWorker()
  try {
    return block()
  } finally {
    withContext(NonCancellable) { workers.acquire() }
    if (!holder.reclaimed()) releaseWorker() // the task's attempt ended while this waited: the slot is not its any more
  }
}
