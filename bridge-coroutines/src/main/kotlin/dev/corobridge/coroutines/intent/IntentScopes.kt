// SPDX-License-Identifier: Apache-2.0
@file:JvmName("IntentScopes")

package dev.corobridge.coroutines.intent

import dev.corobridge.intent.Airlock
import dev.corobridge.intent.IntentScope
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.ThreadContextElement
import kotlinx.coroutines.withContext

/**
 * Makes this scope current in a coroutine: wherever the coroutine resumes, [Airlock.enqueue] buffers
 * into it, and tasks it submits to an executor carry it along.
 *
 * ```kotlin
 * launch(scope.asContextElement()) { Airlock.enqueue(Intent.named("audit").args(id).build()) }
 * ```
 */
public fun IntentScope.asContextElement(): CoroutineContext.Element = IntentScopeElement(this)

/**
 * Runs [block] in [scope] (new, opened here and nested in the current scope if there is one): flushed
 * if the block returns, discarded if it throws or is cancelled. The suspend counterpart of
 * [Airlock.scoped]; the scope follows the block across threads.
 */
@JvmSynthetic
public suspend fun <T> intentScoped(scope: IntentScope = IntentScope(), block: suspend CoroutineScope.() -> T): T {
  Airlock.open(scope)
  Airlock.swapCurrent(scope.parent()) // the scope belongs to the block's coroutine context, not to this thread
  val result = try {
    withContext(IntentScopeElement(scope), block)
  } catch (e: Throwable) {
    try {
      scope.close(e)
    } catch (endFailure: RuntimeException) {
      e.addSuppressed(endFailure)
    }
    throw e
  }
  scope.complete()
  scope.close(null)
  return result
}

/** Installs an [IntentScope] as the current one while the coroutine runs. */
private class IntentScopeElement(private val scope: IntentScope) : ThreadContextElement<IntentScope?> {
  companion object Key : CoroutineContext.Key<IntentScopeElement>

  override val key: CoroutineContext.Key<IntentScopeElement> get() = Key

  override fun updateThreadContext(context: CoroutineContext): IntentScope? = Airlock.swapCurrent(scope)

  override fun restoreThreadContext(context: CoroutineContext, oldState: IntentScope?) {
    Airlock.swapCurrent(oldState)
  }
}
