// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.internal.Failures
import dev.corobridge.internal.engine.EngineLog
import dev.corobridge.internal.engine.TaskTrace
import java.util.concurrent.CompletionStage
import java.util.concurrent.TimeoutException
import kotlin.coroutines.coroutineContext
import kotlin.time.Duration.Companion.nanoseconds
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.job
import kotlinx.coroutines.withTimeoutOrNull

/*
 * Running a task under its plan: the attempts (retries with back-off holding nothing, an attempt timeout), and
 * in each attempt the permits in order semaphore -> lane -> worker slot, each given back in reverse order once the
 * attempt has really finished. The fast path (a plain plan and a free slot) neither suspends nor allocates.
 * Extensions of [Engine], whose permits and start gate they use.
 */

/** Marks "no outcome yet" in a variable a timed block may or may not set. */
private val NO_OUTCOME = Any()


/** Calls one item of a batch: its value or a [Failed]. */
internal suspend inline fun <A> Engine.callItem(call: ItemCall<A>, item: A): Any? = when (call) {
  is ItemCall.Stage -> {
    val stage = startStage(null) { call.fn(item) }
    when (stage) {
      is CompletionStage<*> -> stage.awaitOutcome()
      is NestedStage -> {
        // The item waits for work of this executor that it started: it gives its slot to that work.
        val slot = coroutineContext[HeldSlot]
        if (slot != null && slot.engine === this && slot.tryPark()) releaseWorker()
        stage.stage.awaitOutcome()
      }
      else -> stage
    }
  }
  is ItemCall.Suspending -> call.fn(item)
  is ItemCall.Transform -> try {
    call.fn(item)
  } catch (e: CancellationException) {
    throw e
  } catch (e: Throwable) {
    Failed(e)
  }
}

/**
 * Runs a task under its plan and returns its value or a [Failed]. [owner] is the job to cancel if the
 * executor is shut down with cancelFutures before the task starts. Throws CancellationException only
 * when the calling coroutine is cancelled. [timedHere]: the plan's timeout is applied here (false when
 * the caller enforces it, see [submitTask]).
 */
internal suspend fun Engine.runTask(
  plan: TaskPlan,
  owner: Job,
  slot: HeldSlot? = null,
  timedHere: Boolean = true,
  trace: TaskTrace? = null,
  body: suspend () -> Any?,
): Any? {
  if (plan.plain) return attempt(plan, owner, slot, trace, body)
  if (plan.timeoutNanos == 0L || !timedHere) return attempts(plan, owner, slot, trace, body)
  var outcome: Any? = NO_OUTCOME
  withTimeoutOrNull(plan.timeoutNanos.nanoseconds) { outcome = attempts(plan, owner, slot, trace, body) }
  if (outcome !== NO_OUTCOME) return outcome
  return Failed(TimeoutException("${plan.describe()} timed out after ${plan.timeoutNanos.nanoseconds}").also { EngineLog.timedOut(name, it.message) })
}

private suspend fun Engine.attempts(plan: TaskPlan, owner: Job, slot: HeldSlot?, trace: TaskTrace?, body: suspend () -> Any?): Any? {
  val policy = plan.retry
  var history: ArrayList<Throwable>? = null
  var retry = 0
  while (true) {
    val outcome = attempt(plan, if (retry == 0) owner else null, slot, trace, body)
    val error = (outcome as? Failed)?.error
    if (error == null && !policy.retriesResults()) return outcome
    // The rule every runtime applies (and the policy's listeners), judged here, holding nothing.
    val wait = policy.retryDelayNanos(retry + 1, if (error == null) outcome else null, error)
    if (wait < 0) {
      if (error != null) history?.let { Failures.attachEarlierAttempts(error, it) }
      return outcome
    }
    if (error != null) (history ?: ArrayList<Throwable>().also { history = it }).add(error)
    retry++
    counters.retried.increment()
    EngineLog.retrying(name, plan.name, retry, error, wait)
    trace?.retrying(if (error == null) outcome else null, error, wait)
    delay(wait.nanoseconds)
  }
}

/**
 * One attempt: permits in order semaphore, lane, worker; released in reverse once [body] has returned.
 * [slot]: the task's [HeldSlot] marker, if it has one (Kotlin tasks, Java tasks with options), told
 * when the worker slot is taken and consulted before it goes back (a parked task gave it back already).
 * [trace], if the executor has listeners, is told when the attempt has its permits.
 */
private suspend fun Engine.attempt(plan: TaskPlan, owner: Job?, slot: HeldSlot?, trace: TaskTrace?, body: suspend () -> Any?): Any? {
  val semaphore = plan.semaphore
  if (semaphore != null) gate.acquireShared(semaphore, owner)
  try {
    val lane = plan.lane
    if (lane != null) acquireLane(lane, owner)
    try {
      gate.acquire(workers, owner)
      if (queueLimited) coroutineContext[Admission]?.started()
      slot?.taken()
      try {
        if (owner != null) gate.ensureStartAllowed(coroutineContext.job)
        trace?.started()
        if (plan.attemptTimeoutNanos == 0L) return body()
        // The attempt alone is bounded: on expiry its work is cancelled and waited for (the slot stays
        // taken until it has stopped), and the attempt fails with a TimeoutException that may be retried.
        var outcome: Any? = NO_OUTCOME
        withTimeoutOrNull(plan.attemptTimeoutNanos.nanoseconds) { outcome = body() }
        if (outcome !== NO_OUTCOME) return outcome
        val expired = TimeoutException("an attempt of ${plan.describe()} did not finish within its attemptTimeout of ${plan.attemptTimeoutNanos.nanoseconds}")
        EngineLog.timedOut(name, expired.message)
        return Failed(expired)
      } finally {
        if (slot == null || slot.release()) releaseWorker()
      }
    } finally {
      lane?.permits?.release()
    }
  } finally {
    semaphore?.release()
  }
}

/** Takes a permit of [lane], counting the task among the lane's waiting ones while it has to wait. */
private suspend fun Engine.acquireLane(lane: Lane, owner: Job?) {
  if (lane.permits.tryAcquire()) return
  lane.waiting.incrementAndGet()
  try {
    gate.acquire(lane.permits, owner)
  } finally {
    lane.waiting.decrementAndGet()
  }
}
