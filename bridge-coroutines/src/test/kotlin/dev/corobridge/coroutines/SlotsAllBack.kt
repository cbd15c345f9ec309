// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout

/**
 * Every worker slot of [executor] comes back (a leaked one fails the test): a queue worker gives its slot back just
 * after the last task it ran has completed, so right after the work the count may still show it.
 */
suspend fun slotsAllBack(executor: CoroutineAsyncExecutor) = withTimeout(10.seconds) {
  while (executor.stats().running() != 0L) delay(1)
}
