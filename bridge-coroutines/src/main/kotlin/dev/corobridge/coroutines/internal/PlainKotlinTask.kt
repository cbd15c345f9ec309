// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.coroutineContext
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Job
import kotlinx.coroutines.async
import kotlinx.coroutines.job
import kotlinx.coroutines.launch

/*
 * The executor-owned Kotlin `async`/`launch` of a task that asks for nothing but a worker slot (a plain plan) while
 * no listener hears the executor's tasks: the user's block is the coroutine's own body, and everything the
 * executor does around it happens at submission and in one completion handler, so a parked task holds what a raw
 * kotlinx `async` holds plus its slot marker and that handler (a general task adds a frame per layer: counting,
 * retries, attempt, a `coroutineScope`).
 *
 * While more than half the worker slots are free, submission takes one and the block starts as a plain coroutine
 * ([takesSlotAtSubmission] says why not always). Otherwise a small wrapper runs first: it registers the task from its
 * own coroutine (atomically started, so it always does) and waits for a slot as the general path's first attempt
 * does (cancellable, found by `shutdown(false, true)`, refused to start once the gate closed). A coroutine cancelled
 * before it runs never runs the block, and the completion handler still gives everything back. The job completes
 * only after its children, so the slot is held until they have ended, as the general path's `coroutineScope` holds
 * it; the job's own outcome says how to count the task (a child's failure fails it, a cancellation cancels it).
 */

/** Starts [block] as an executor-owned `async` task with a plain plan; the caller counted it in. */
internal fun <T> Engine.asyncPlain(context: CoroutineContext, block: suspend CoroutineScope.() -> T): Deferred<T> {
  enter()
  if (takesSlotAtSubmission()) {
    val slot = HeldSlot(this, heldAtStart = true)
    return scope.async(context + stallTracking + slot, block = block).also { follow(it, slot) }
  }
  val slot = HeldSlot(this)
  return scope.async(context + stallTracking + slot, CoroutineStart.ATOMIC) {
    startOnceSlotTaken(slot)
    block()
  }
}

/** Like [asyncPlain], for `launch`: a failure goes to the executor's uncaught-error handler. */
internal fun Engine.launchPlain(context: CoroutineContext, block: suspend CoroutineScope.() -> Unit): Job {
  enter()
  if (takesSlotAtSubmission()) {
    val slot = HeldSlot(this, heldAtStart = true)
    return scope.launch(context + stallTracking + slot, block = block).also { follow(it, slot) }
  }
  val slot = HeldSlot(this)
  return scope.launch(context + stallTracking + slot, CoroutineStart.ATOMIC) {
    startOnceSlotTaken(slot)
    block()
  }
}

/**
 * Whether a task takes its worker slot at submission: only while more than half the slots are free. A task that
 * takes it then holds it while its coroutine waits for a thread of the dispatcher; under load that would leave the
 * tasks that do get a thread without a slot, suspending and resuming each once more, so then a task takes its slot
 * when its coroutine first runs.
 */
private fun Engine.takesSlotAtSubmission(): Boolean = workers.availablePermits > maxWorkers / 2 && workers.tryAcquire()

/**
 * In a task's own coroutine (registered here, not at submission, so that the submitting thread does not race the
 * coroutine that has just started): waits for a worker slot as a task's first attempt does, then refuses to start
 * if the coroutine was cancelled or the gate closed meanwhile.
 */
private suspend fun Engine.startOnceSlotTaken(slot: HeldSlot) {
  val job = coroutineContext.job
  follow(job, slot)
  gate.acquire(workers, job)
  slot.taken()
  gate.ensureStartAllowed(job)
}

/** Registers [job] as a unit [Engine.shutdownNow] stops and gives back what it holds when it completes. */
private fun Engine.follow(job: Job, slot: HeldSlot) {
  job.invokeOnCompletion(registerUnit(PlainTaskEnd(this, slot, job)))
}

/**
 * The end of a plain Kotlin task: its record among the units in flight, and the handler that runs once its job
 * completes (its children too): gives the slot back if the task still holds it, counts the task by its outcome, and
 * counts the unit out. One object for both, so the task costs one record.
 */
private class PlainTaskEnd(private val engine: Engine, private val slot: HeldSlot, job: Job) :
  UnitRecord(job, job), (Throwable?) -> Unit {
  override fun invoke(cause: Throwable?) {
    if (slot.release()) engine.releaseWorker()
    val cancelled = cause is CancellationException
    engine.counters.finished(cancelled = cancelled, failed = cause != null && !cancelled)
    engine.unregisterUnit(this)
    engine.exit()
  }
}
