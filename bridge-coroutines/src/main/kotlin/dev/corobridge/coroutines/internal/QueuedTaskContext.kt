// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlinx.coroutines.Job

/**
 * The whole context of a plain queued Kotlin task ([QueuedCoroutine]) in one object: the [base] it shares with the
 * engine's other plain tasks (dispatcher, worker mark, handler, whatever its caller carried in), the task's [job] (the
 * coroutine itself), and its slot marker, which this object is ([HeldSlot]).
 *
 * Why: `CoroutineContext.plus` keeps the dispatcher last, so adding a slot marker and a job to a shared base the usual
 * way costs two `CombinedContext` nodes each (three stay), and the marker is an object of its own: 96 bytes a task
 * holds for as long as it is parked, against one object of 32 here (benchmarks/ANALYSIS.md, "the parked Kotlin task").
 *
 * It answers as the context it stands for: [get] finds the job, the marker (itself) and the base's elements; [fold]
 * visits the base's elements, a [SlotView] of the marker and the job; [minusKey] and the `+` of anything but the task's
 * own job build that context the usual way, with the [SlotView] as its marker. The view, never this object, goes into
 * contexts derived from this one: inside a `CombinedContext` this object would answer for the job and the base's keys as
 * well. A view acts on this object's state, so nested work started in a child coroutine (or under
 * `withContext(NonCancellable)`) still lends the task's slot.
 *
 * The job is set once, by [plus], when kotlinx's `AbstractCoroutine` makes the coroutine's context as
 * `parentContext + this` from the object made for it; nobody else holds the object before that.
 */
internal class QueuedTaskContext(
  engine: Engine,
  inBareContext: Boolean,
  /** The task's context but its job and slot marker (it holds neither). */
  @JvmField val base: CoroutineContext,
) : HeldSlot(engine, inBareContext) {
  /** The task's coroutine, set once as it is made (see the overview). */
  private var job: Job? = null

  @Suppress("UNCHECKED_CAST")
  override fun <E : CoroutineContext.Element> get(key: CoroutineContext.Key<E>): E? = when {
    key === HeldSlot -> this as E
    key === Job -> job as E?
    else -> base[key]
  }

  override fun <R> fold(initial: R, operation: (R, CoroutineContext.Element) -> R): R {
    val withMarker = operation(base.fold(initial, operation), SlotView(this))
    val job = job ?: return withMarker
    return operation(withMarker, job)
  }

  override fun minusKey(key: CoroutineContext.Key<*>): CoroutineContext = when {
    key === HeldSlot -> base + (job ?: EmptyCoroutineContext)
    key === Job -> if (job == null) this else base + SlotView(this)
    base[key] == null -> this
    else -> base.minusKey(key) + SlotView(this) + (job ?: EmptyCoroutineContext)
  }

  override fun plus(context: CoroutineContext): CoroutineContext {
    if (context === EmptyCoroutineContext) return this
    if (job == null && context is QueuedCoroutine<*>) { // the coroutine making its context: `parentContext + this`
      job = context
      return this
    }
    return super.plus(context)
  }

  override fun toString(): String = fold("") { text, element -> if (text.isEmpty()) "$element" else "$text, $element" }.let { "[$it]" }

  /**
   * The marker of a [QueuedTaskContext] in the contexts derived from it: a plain element under the marker's key whose
   * every operation acts on [owner]'s state.
   */
  class SlotView(@JvmField val owner: QueuedTaskContext) : HeldSlot(owner.engine, owner.inBareContext) {
    override fun taken() = owner.taken()

    override fun givenBack() = owner.givenBack()

    override fun tryLend(): Boolean = owner.tryLend()

    override fun tryPark(): Boolean = owner.tryPark()

    override fun release(): Boolean = owner.release()

    override fun reclaimed(): Boolean = owner.reclaimed()
  }
}
