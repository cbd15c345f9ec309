// SPDX-License-Identifier: Apache-2.0
@file:JvmName("SuspendComponents")

package dev.corobridge.coroutines.component

import dev.corobridge.AsyncExecutor
import dev.corobridge.component.AsyncComponent
import dev.corobridge.component.ComponentStream
import dev.corobridge.component.SyncComponent
import dev.corobridge.component.SyncStreamComponent
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.future.await

/**
 * This component as a [SuspendComponent]: [SuspendComponent.invoke] runs it under [executor] and
 * suspends for its result. Cancelling the calling coroutine cancels the work (a sync component's
 * thread is interrupted); its exception is thrown as it is.
 */
public fun <I, O> AsyncComponent<I, O>.asSuspendComponent(executor: AsyncExecutor = AsyncComponent.defaultExecutor()): SuspendComponent<I, O> {
  val component = this
  if (component is SuspendComponent<I, O>) return component
  return object : SuspendComponent<I, O> {
    override suspend fun invoke(input: I): O = component.applyOn(executor, input).await()

    override fun name(): String = component.name()
  }
}

/**
 * This suspend component as a [SyncComponent], for code that wants to block: `applySync` runs the
 * coroutine and waits for it; interrupting the waiting thread cancels it.
 */
public fun <I, O> SuspendComponent<I, O>.asSyncComponent(): SyncComponent<I, O> = SyncComponent.from(this)

/** A [SyncComponent] named [name] whose blocking work is [block]. */
@JvmSynthetic
public fun <I, O> syncComponent(name: String, block: (I) -> O): SyncComponent<I, O> = SyncComponent.of(name) { input -> block(input) }

/**
 * The stream's items as a [Flow], read without blocking a thread. Collect it once; ending the
 * collection early (`take`, `first`, cancellation, an exception) stops the producer.
 */
public fun <O : Any> ComponentStream<O>.asFlow(): Flow<O> = flow {
  var ended = false
  try {
    while (true) {
      val item = queue().takeAsync().await() ?: break
      emit(item)
    }
    ended = true
  } finally {
    if (!ended) close()
  }
}

/**
 * Starts this streaming component for [input] now (eagerly, see [SyncStreamComponent]) on a blocking
 * worker of [executor], and returns its items as a [Flow].
 */
public fun <I, O : Any> SyncStreamComponent<I, O>.flow(executor: AsyncExecutor, input: I): Flow<O> = start(executor, input).asFlow()
