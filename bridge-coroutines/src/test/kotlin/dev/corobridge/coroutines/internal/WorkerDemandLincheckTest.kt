// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicInteger
import org.jetbrains.kotlinx.lincheck.LinChecker
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions
import org.jetbrains.lincheck.datastructures.Operation
import org.jetbrains.lincheck.datastructures.StressOptions
import org.jetbrains.lincheck.datastructures.Validate
import org.junit.jupiter.api.Test

/**
 * Model-checks [WorkerDemand] over every interleaving Lincheck explores of threads that queue items, each running
 * the workers it is told to start (a worker takes items until it finds none and is allowed to leave): once every
 * thread is done, no item is left in the queue, no worker is counted alive or searching, and never more than the
 * limit were alive at once. A worker that left without looking at the queue again would strand an item here.
 *
 * A worker spans many steps, so the operations return nothing and the check is the [Validate] function run after
 * each execution, with no operations after the parallel part (one would start a worker and hide a stranded item).
 */
class WorkerDemandLincheckTest {
  private val queue = ConcurrentLinkedQueue<Int>()
  private val demand = WorkerDemand(LIMIT)
  private val mostAlive = AtomicInteger()
  private val running = AtomicInteger()

  @Operation
  fun queueItem() {
    queue.offer(1)
    if (demand.itemQueued()) runWorkers()
  }

  /** Runs the worker this thread was told to start, then each helper it was told to start, one after another. */
  private fun runWorkers() {
    var toRun = 1
    while (toRun > 0) {
      toRun--
      mostAlive.accumulateAndGet(running.incrementAndGet(), ::maxOf)
      while (true) {
        if (queue.poll() == null) {
          running.decrementAndGet()
          if (demand.foundNothing { queue.isEmpty() }) {
            mostAlive.accumulateAndGet(running.incrementAndGet(), ::maxOf)
            continue
          }
          break
        }
        if (demand.itemTaken { !queue.isEmpty() }) toRun++
        demand.searchingAgain()
      }
    }
  }

  @Validate
  fun noItemStrandedAndNoWorkerCountedAfterAllLeft() {
    check(queue.isEmpty()) { "${queue.size} item(s) left in the queue with no worker to take them" }
    check(demand.alive() == 0 && demand.searching() == 0) { "alive=${demand.alive()}, searching=${demand.searching()} after every worker left" }
    check(mostAlive.get() <= LIMIT) { "${mostAlive.get()} workers alive at once, more than $LIMIT" }
  }

  @Test
  fun noInterleavingStrandsAnItemUnderModelChecking() {
    LinChecker.check(WorkerDemandLincheckTest::class.java,
      ModelCheckingOptions().iterations(15).invocationsPerIteration(1_000).threads(3).actorsPerThread(2).actorsAfter(0))
  }

  @Test
  fun noRunStrandsAnItemUnderStress() {
    LinChecker.check(WorkerDemandLincheckTest::class.java,
      StressOptions().iterations(5).invocationsPerIteration(1_000).threads(3).actorsPerThread(3).actorsAfter(0))
  }

  private companion object {
    const val LIMIT = 2
  }
}
