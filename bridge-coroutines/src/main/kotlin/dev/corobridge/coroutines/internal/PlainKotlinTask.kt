// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.job
import kotlinx.coroutines.newCoroutineContext

/*
 * The Kotlin tasks that ask for nothing but a worker slot (a plain plan) while no listener hears the executor's tasks:
 * [QueuedCoroutine]s in the engine's queue, run by its queue workers. Each is counted into the executor before it is
 * made, so that one cancelled as it is made (a child of a scope already cancelled) is counted out after.
 */

/** Starts [block] as an executor-owned `async` task with a plain plan; the caller counted it in. */
internal fun <T> Engine.asyncPlain(context: CoroutineContext, block: suspend CoroutineScope.() -> T): Deferred<T> {
  enter()
  return QueuedCoroutine(plainTaskContext(context), block).also(queue::submit)
}

/** Like [asyncPlain], for `launch`: a failure goes to the executor's uncaught-error handler. */
internal fun Engine.launchPlain(context: CoroutineContext, block: suspend CoroutineScope.() -> Unit): Job {
  enter()
  return QueuedLaunch(plainTaskContext(context), block).also(queue::submit)
}

/**
 * Starts [block] as a plain child of the scope whose children are started in [parent], with [context] added; the
 * caller counted it in.
 */
@OptIn(ExperimentalCoroutinesApi::class)
internal fun <T> Engine.asyncPlainChild(parent: CoroutineScope, context: CoroutineContext, block: suspend CoroutineScope.() -> T): Deferred<T> {
  enter()
  val children = parent as? ChildrenScope
  val base = children?.plainChildBase
  if (base != null && context === EmptyCoroutineContext) {
    val bare = children.plainChildMark === nonBlockingMark
    return QueuedChild(QueuedTaskContext(this, bare, base), block, children.parentJob).also(queue::submit)
  }
  val childContext = parent.newCoroutineContext(context)
  return QueuedChild(QueuedTaskContext(this, false, childContext.withoutJobAndMarker()), block, childContext.job).also(queue::submit)
}

/** A plain task's context: the executor's (its dispatcher, marks and handler) and the caller's [context]. */
@OptIn(ExperimentalCoroutinesApi::class)
private fun Engine.plainTaskContext(context: CoroutineContext): QueuedTaskContext {
  val base = plainTaskBase
  if (base != null && context === EmptyCoroutineContext) return QueuedTaskContext(this, plainTaskBaseIsBare, base)
  return QueuedTaskContext(this, false, scope.newCoroutineContext(context + stallTracking).withoutJobAndMarker())
}

/** A task context's base: the task's job and its slot marker are its own (see [QueuedTaskContext]). */
private fun CoroutineContext.withoutJobAndMarker(): CoroutineContext = minusKey(Job).minusKey(HeldSlot)
