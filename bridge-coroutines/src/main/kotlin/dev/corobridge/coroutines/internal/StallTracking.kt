// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.internal.StallWatchdog
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.ThreadContextElement

/**
 * Brackets every stretch a coroutine runs between suspensions on the executor's non-blocking
 * [dispatcher] for the [StallWatchdog], named after the coroutine. Stretches elsewhere (the blocking
 * threads, `Dispatchers.IO`, a caller's own dispatcher) are not watched: blocking there is the point.
 */
internal class StallTracking(
  private val watchdog: StallWatchdog,
  private val dispatcher: CoroutineDispatcher,
  private val executorName: String,
) : ThreadContextElement<StallWatchdog.Busy?> {
  companion object Key : CoroutineContext.Key<StallTracking>

  override val key: CoroutineContext.Key<StallTracking> get() = Key

  override fun updateThreadContext(context: CoroutineContext): StallWatchdog.Busy? {
    if (context[ContinuationInterceptor] !== dispatcher) return null
    return watchdog.enter(context[CoroutineName]?.name ?: "a coroutine of $executorName")
  }

  override fun restoreThreadContext(context: CoroutineContext, oldState: StallWatchdog.Busy?) {
    oldState?.exit()
  }
}
