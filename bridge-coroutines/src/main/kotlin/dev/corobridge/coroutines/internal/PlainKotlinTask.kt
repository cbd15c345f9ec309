// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.newCoroutineContext

/*
 * The executor-owned Kotlin `async`/`launch` of a task that asks for nothing but a worker slot (a plain plan) while
 * no listener hears the executor's tasks: a [QueuedCoroutine] in the engine's queue, run by its queue workers.
 */

/** Starts [block] as an executor-owned `async` task with a plain plan; the caller counted it in. */
internal fun <T> Engine.asyncPlain(context: CoroutineContext, block: suspend CoroutineScope.() -> T): Deferred<T> {
  val slot = HeldSlot(this)
  return QueuedCoroutine(plainTaskContext(context, slot), slot, block).also(queue::submit)
}

/** Like [asyncPlain], for `launch`: a failure goes to the executor's uncaught-error handler. */
internal fun Engine.launchPlain(context: CoroutineContext, block: suspend CoroutineScope.() -> Unit): Job {
  val slot = HeldSlot(this)
  return QueuedLaunch(plainTaskContext(context, slot), slot, block).also(queue::submit)
}

/** A plain task's context: the executor's (its dispatcher, marks and handler), the caller's [context], its [slot]. */
@OptIn(ExperimentalCoroutinesApi::class)
private fun Engine.plainTaskContext(context: CoroutineContext, slot: HeldSlot): CoroutineContext {
  val base = plainTaskBase
  if (base != null && context === EmptyCoroutineContext) return base + slot
  return scope.newCoroutineContext(context + stallTracking + slot)
}
