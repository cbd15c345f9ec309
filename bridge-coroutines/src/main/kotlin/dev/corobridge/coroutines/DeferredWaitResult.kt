// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import kotlinx.coroutines.Deferred

/**
 * The outcome of [CoroutineAsyncExecutor.waitFor]: the deferreds that were complete and those still
 * pending at the moment the wait ended, each in input order.
 */
public data class DeferredWaitResult<T>(
  /** The deferreds that were complete when the wait ended. */
  public val done: Set<Deferred<T>>,
  /** The deferreds that were not yet complete when the wait ended. */
  public val pending: Set<Deferred<T>>,
)
