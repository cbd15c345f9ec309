// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.AsyncSemaphore
import dev.corobridge.internal.Cancellations
import java.util.concurrent.ConcurrentHashMap
import kotlin.coroutines.coroutineContext
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Job
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.job
import kotlinx.coroutines.sync.Semaphore

/**
 * Whether tasks of an [Engine] that have not started yet may still start: all may until a shutdown with
 * cancelFutures (or shutdownNow) [close]s the gate, none may after.
 *
 * A task with options that has to wait for a permit on its first attempt registers the job to cancel in `waiting`
 * for as long as it waits ([acquire], [acquireShared]); after taking its worker slot it checks the gate once more
 * before starting ([ensureStartAllowed]). [close] sets the flag before the engine walks [waitingJobs], so every
 * not-yet-started task either is found there or sees the flag.
 */
internal class StartGate(private val executor: String) {
  /** Set once by [close]: no task that has not started may start any more. */
  @Volatile var closed: Boolean = false
    private set

  /** Waiting coroutine's job -> the job to cancel if the gate closes. */
  private val waiting = ConcurrentHashMap<Job, Job>()

  /** Closes the gate; the caller then cancels [waitingJobs] and what waits elsewhere (the queue, the streams). */
  fun close() {
    closed = true
  }

  /** The jobs to cancel for the tasks now waiting for a permit on their first attempt. */
  fun waitingJobs(): Collection<Job> = waiting.values

  /** The cancellation a task that was not allowed to start completes with, saying why. */
  fun notStarted(): CancellationException = Cancellations.notStarted(executor)

  /** Refuses to start a task whose coroutine is cancelled or that a closed gate caught before it started. */
  fun ensureStartAllowed(job: Job) {
    job.ensureActive()
    if (closed) throw notStarted()
  }

  /**
   * Takes a permit of [permits]; [owner] (null after the first attempt) is the job to cancel if the gate closes
   * while this waits.
   */
  suspend fun acquire(permits: Semaphore, owner: Job?) {
    if (permits.tryAcquire()) return
    if (owner == null) return permits.acquire()
    val self = coroutineContext.job
    waiting[self] = owner
    try {
      if (closed) throw notStarted()
      permits.acquire()
    } finally {
      waiting.remove(self)
    }
  }

  /** Like [acquire], for a task's shared [AsyncSemaphore]: a request withdrawn on cancellation gives back a late grant. */
  suspend fun acquireShared(semaphore: AsyncSemaphore, owner: Job?) {
    if (semaphore.tryAcquire()) return
    val self = coroutineContext.job
    if (owner != null) waiting[self] = owner
    val grant = semaphore.acquire()
    try {
      if (owner != null && closed) throw notStarted()
      grant.awaitOutcome()
    } catch (e: CancellationException) {
      // Withdraw the request; if the permit was granted meanwhile, hand it back.
      if (!grant.cancel(false) && !grant.isCompletedExceptionally) semaphore.release()
      throw e
    } finally {
      if (owner != null) waiting.remove(self)
    }
  }
}
