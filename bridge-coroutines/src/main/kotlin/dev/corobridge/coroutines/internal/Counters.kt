// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.ExecutorStats
import java.util.concurrent.atomic.LongAdder

/** The executor's lock-free event counters; see [ExecutorStats] for what each means. */
internal class Counters {
  @JvmField val submitted = LongAdder()
  @JvmField val succeeded = LongAdder()
  @JvmField val failed = LongAdder()
  @JvmField val cancelled = LongAdder()
  @JvmField val retried = LongAdder()

  /** Counts a finished task by the state its future (or outcome) ended in. */
  fun finished(cancelled: Boolean, failed: Boolean) {
    when {
      cancelled -> this.cancelled.increment()
      failed -> this.failed.increment()
      else -> succeeded.increment()
    }
  }

  fun snapshot(running: Long): ExecutorStats {
    val succeeded = succeeded.sum()
    val failed = failed.sum()
    val cancelled = cancelled.sum()
    val submitted = submitted.sum()
    val queued = (submitted - succeeded - failed - cancelled - running).coerceAtLeast(0)
    return ExecutorStats(submitted, running, queued, succeeded, failed, cancelled, retried.sum())
  }
}
