// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import kotlin.coroutines.CoroutineContext
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
internal fun <T> Engine.asyncPlain(context: CoroutineContext, block: suspend CoroutineScope.() -> T): Deferred<T> =
  QueuedCoroutine(plainTaskContext(context), block).also(queue::submit)

/** Like [asyncPlain], for `launch`: a failure goes to the executor's uncaught-error handler. */
internal fun Engine.launchPlain(context: CoroutineContext, block: suspend CoroutineScope.() -> Unit): Job =
  QueuedLaunch(plainTaskContext(context), block).also(queue::submit)

/** A plain task's context: the executor's (its dispatcher, marks and handler), the caller's [context], a slot marker. */
@OptIn(ExperimentalCoroutinesApi::class)
private fun Engine.plainTaskContext(context: CoroutineContext): CoroutineContext =
  scope.newCoroutineContext(context + stallTracking + HeldSlot(this))
