// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.AsyncBiFunction
import dev.corobridge.AsyncFunction
import dev.corobridge.AsyncTask
import dev.corobridge.BlockingFunction
import dev.corobridge.spi.ContextPropagation
import java.util.concurrent.Callable
import java.util.concurrent.CompletionStage
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlinx.coroutines.ThreadContextElement

/*
 * Context that follows the work (spi.ContextPropagation): captured on the thread that submits, installed
 * around the code that runs for it. Java callbacks are wrapped once at submit; a coroutine gets a
 * ThreadContextElement, which installs the context each time the coroutine resumes and takes it off when
 * it suspends. With nothing to carry, both return what they were given: no allocation.
 */

internal fun <T> AsyncTask<T>.carryingContext(): AsyncTask<T> {
  val context = ContextPropagation.capture()
  return if (context.isEmpty) this else AsyncTask { context.install().use { call() } }
}

internal fun <T> Callable<T>.carryingContext(): Callable<T> = ContextPropagation.capture().wrap(this)

@Suppress("UNCHECKED_CAST")
internal fun <A, R> AsyncFunction<in A, out R>.carryingContext(): AsyncFunction<in A, out R> {
  val context = ContextPropagation.capture()
  return if (context.isEmpty) this else AsyncFunction<A, R> { a -> context.install().use { apply(a) as CompletionStage<R> } }
}

@Suppress("UNCHECKED_CAST")
internal fun <A, B, R> AsyncBiFunction<in A, in B, out R>.carryingContext(): AsyncBiFunction<in A, in B, out R> {
  val context = ContextPropagation.capture()
  return if (context.isEmpty) this else AsyncBiFunction<A, B, R> { a, b -> context.install().use { apply(a, b) as CompletionStage<R> } }
}

internal fun <A, R> BlockingFunction<in A, out R>.carryingContext(): BlockingFunction<in A, out R> {
  val context = ContextPropagation.capture()
  return if (context.isEmpty) this else BlockingFunction<A, R> { a -> context.install().use { apply(a) } }
}

/** The current thread's propagated context as a coroutine context element, or nothing. */
internal fun capturedContext(): CoroutineContext {
  val context = ContextPropagation.capture()
  return if (context.isEmpty) EmptyCoroutineContext else PropagatedContext(context)
}

/** Installs a captured [ContextPropagation.Snapshot] while the coroutine runs. */
internal class PropagatedContext(private val snapshot: ContextPropagation.Snapshot) :
  ThreadContextElement<ContextPropagation.Snapshot.Installed> {
  companion object Key : CoroutineContext.Key<PropagatedContext>

  override val key: CoroutineContext.Key<PropagatedContext> get() = Key

  override fun updateThreadContext(context: CoroutineContext): ContextPropagation.Snapshot.Installed = snapshot.install()

  override fun restoreThreadContext(context: CoroutineContext, oldState: ContextPropagation.Snapshot.Installed): Unit = oldState.close()
}
