// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.BatchProgress
import dev.corobridge.MapOptions
import java.time.Duration
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.receiveAsFlow

/**
 * Makes the batch run with these options tell its progress as a [Flow]: each report (throttled to one per
 * [interval]) and, last, the one marked [BatchProgress.finished], after which the flow completes. Conflated: a
 * slow collector sees the latest report, and always the last. For one batch and one collector.
 *
 * ```
 * val options = MapOptions.builder().window(8)
 * val progress = options.progressFlow()
 * coroutineScope {
 *   launch { progress.collect { print("\r${it.done()}/${it.total().orElse(0)}") } }
 *   executor.map(urls, options.build()) { fetch(it) }
 * }
 * ```
 *
 * Replaces a listener set by [MapOptions.Builder.onProgress], and is replaced by one.
 */
public fun MapOptions.Builder.progressFlow(interval: Duration = MapOptions.DEFAULT_PROGRESS_INTERVAL): Flow<BatchProgress> {
  val reports = Channel<BatchProgress>(Channel.CONFLATED)
  onProgress(interval) { report ->
    reports.trySend(report)
    if (report.finished()) reports.close()
  }
  return reports.receiveAsFlow()
}
