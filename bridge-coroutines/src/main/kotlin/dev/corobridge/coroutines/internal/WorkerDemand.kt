// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import java.util.concurrent.atomic.AtomicInteger

/**
 * When a queue of items needs one more worker, for workers that each take items one after another and leave when
 * they find none: one is started when an item comes and no worker is searching, a worker that takes an item while
 * more wait wakes one helper, and at most [limit] are alive. A burst of items wakes a few workers, not one per item.
 *
 * The rule that keeps an item from being stranded: a worker that finds the queue empty counts itself out first and
 * looks at the queue once more after ([foundNothing]). An item queued before that look is seen by it; one queued
 * after finds no worker searching and starts one ([itemQueued]). Two atomic counters, no lock.
 */
internal class WorkerDemand(private val limit: Int) {
  /** Workers started or between items, that is, about to poll the queue. */
  private val searching = AtomicInteger()

  /** Workers alive, at most [limit]. */
  private val alive = AtomicInteger()

  /** An item was queued: whether to start a worker, which is then counted in, searching. */
  fun itemQueued(): Boolean = searching.get() == 0 && tryCountWorkerIn()

  /**
   * A searching worker took an item: whether to start a helper (counted in, searching), because more items
   * wait ([moreWaiting], asked after this worker stopped searching) and no other worker is searching.
   */
  inline fun itemTaken(moreWaiting: () -> Boolean): Boolean = tookItem() && moreWaiting() && tryCountWorkerIn()

  /** A worker is done with its item and searches again. */
  fun searchingAgain() {
    searching.incrementAndGet()
  }

  /**
   * A searching worker found the queue empty and leaves, unless items came meanwhile ([stillEmpty] is false,
   * asked after it counted itself out) and it could count itself in again: true if it stays, searching.
   */
  inline fun foundNothing(stillEmpty: () -> Boolean): Boolean {
    countOut()
    return !stillEmpty() && tryCountWorkerIn()
  }

  /** Whether no worker is searching any more now that this one took an item. */
  fun tookItem(): Boolean = searching.decrementAndGet() == 0

  fun countOut() {
    searching.decrementAndGet()
    alive.decrementAndGet()
  }

  /** Counts one more worker in, searching, unless [limit] are alive. */
  fun tryCountWorkerIn(): Boolean {
    while (true) {
      val n = alive.get()
      if (n >= limit) return false
      if (alive.compareAndSet(n, n + 1)) {
        searching.incrementAndGet()
        return true
      }
    }
  }

  /** Workers alive now (for tests). */
  fun alive(): Int = alive.get()

  /** Workers searching now (for tests). */
  fun searching(): Int = searching.get()
}
