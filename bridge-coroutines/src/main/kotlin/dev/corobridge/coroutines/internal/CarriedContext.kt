// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.Job

/**
 * The caller's context elements that follow its work into the executor: its `CoroutineName`, every
 * `ThreadContextElement` (MDC, tracing), anything of its own. What places and governs the work stays the
 * executor's: the job, the dispatcher, the exception handler, and the engine's own markers.
 */
internal fun CoroutineContext.carriedIntoTasks(): CoroutineContext =
  minusKey(Job)
    .minusKey(ContinuationInterceptor)
    .minusKey(CoroutineExceptionHandler)
    .minusKey(WorkerMarkElement)
    .minusKey(HeldSlot)
    .minusKey(StallTracking)
