// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.TaskPanicException
import dev.corobridge.internal.Failures
import dev.corobridge.internal.Stages
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.function.BiFunction
import kotlin.coroutines.Continuation
import kotlin.coroutines.resume
import kotlin.coroutines.suspendCoroutine
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.withContext
import kotlinx.coroutines.suspendCancellableCoroutine

/*
 * Overview: inside the engine a task's outcome travels as a plain value: either the result itself or a
 * [Failed] wrapper. Exceptions never cross a suspension point as exceptions, because kotlinx.coroutines
 * may replace an exception that resumes a continuation with a copy carrying a recovered stack trace
 * (debug mode, on whenever assertions are enabled). Futures handed to Java must fail with the task's own
 * exception instance, so the engine catches where the task runs and throws nowhere in between.
 */

/**
 * A failed outcome. Never a user value: the class is internal. A task that died of an [Error] fails
 * with [TaskPanicException] (the error as its cause), so callers can tell it from a failure of its own.
 */
internal class Failed(error: Throwable) {
  @JvmField val error: Throwable = if (error is Error) TaskPanicException(error) else error
}

/**
 * Suspends until the stage completes and returns its value or a [Failed]. Does not suspend when the
 * stage is already complete. If the calling coroutine is cancelled while waiting, the stage's future is
 * cancelled (the task is one-shot) and [kotlinx.coroutines.CancellationException] is thrown. Inline, so
 * that waiting costs the caller's own continuation and one handler, nothing more.
 */
@Suppress("NOTHING_TO_INLINE")
internal suspend inline fun CompletionStage<*>.awaitOutcome(): Any? {
  val future = asFuture()
  if (future.isDone) return outcomeOfDone(future)
  if (!Stages.reachesStage(future)) return awaitUnreachable(future)
  return suspendCancellableCoroutine { cont -> OutcomeHandler(future, cont).register() }
}

/**
 * Waits for a stage that cannot be cancelled (it refused to become a future: [future] only follows it):
 * a cancellation of the caller cannot stop the work, so the caller waits until it has stopped, keeping
 * whatever it holds, and is cancelled then.
 */
internal suspend fun awaitUnreachable(future: CompletableFuture<*>): Any? {
  val outcome = withContext(NonCancellable) { future.awaitOutcomeUncancellable() }
  currentCoroutineContext().ensureActive()
  return outcome
}

/**
 * This stage as a future that completes once: itself, its own `toCompletableFuture()`, or, for a stage
 * that refuses the conversion, a future that follows it (cancelling that copy then cannot reach the
 * original stage). The rule every runtime shares: [Stages.follow].
 */
@Suppress("NOTHING_TO_INLINE")
internal inline fun CompletionStage<*>.asFuture(): CompletableFuture<*> =
  if (this is CompletableFuture<*>) this else Stages.follow(this)

/**
 * Like [awaitOutcome] for a wait that is not cancellable ([awaitUnreachable]): a plain continuation and one
 * callback, no cancellation machinery.
 */
@Suppress("NOTHING_TO_INLINE")
internal suspend inline fun CompletableFuture<*>.awaitOutcomeUncancellable(): Any? {
  if (isDone) return outcomeOfDone(this)
  return suspendCoroutine { cont -> handle(ResumeWithOutcome(cont)) }
}

/** Resumes a plain continuation with a future's outcome. */
internal class ResumeWithOutcome(private val cont: Continuation<Any?>) : BiFunction<Any?, Throwable?, Unit> {
  override fun apply(value: Any?, error: Throwable?) {
    cont.resume(if (error == null) value else Failed(Failures.unwrap(error)))
  }
}

/**
 * A waiter for a future's outcome that is its own callback, so that waiting allocates nothing of its own: an object
 * the waiting coroutine has anyway (a queued task) remembers the waiting continuation in [waiter] and resumes it.
 * The continuation is the waiter's own, intercepted: a future that completes while the callback is being attached
 * resumes it through a dispatch rather than returning at once.
 */
internal interface OutcomeCallback : BiFunction<Any?, Throwable?, Unit> {
  var waiter: Continuation<Any?>?

  override fun apply(value: Any?, error: Throwable?) {
    val cont = waiter!!
    waiter = null
    cont.resume(if (error == null) value else Failed(Failures.unwrap(error)))
  }
}

/** The outcome of a future that is done. */
internal fun outcomeOfDone(future: CompletableFuture<*>): Any? =
  if (!future.isCompletedExceptionally) {
    future.getNow(null)
  } else {
    try {
      future.getNow(null)
      Failed(IllegalStateException("future reported an exception but has none"))
    } catch (e: Throwable) {
      Failed(Failures.unwrap(e))
    }
  }

/** Resumes the waiting continuation with the future's outcome; cancels the future if the waiter is cancelled. */
internal class OutcomeHandler(
  private val future: CompletableFuture<*>,
  @Volatile @JvmField var cont: CancellableContinuation<Any?>?,
) : BiFunction<Any?, Throwable?, Unit>, (Throwable?) -> Unit {
  fun register() {
    future.handle(this)
    cont?.invokeOnCancellation(this)
  }

  override fun apply(value: Any?, error: Throwable?) {
    val c = cont ?: return
    c.resume(if (error == null) value else Failed(Failures.unwrap(error)))
  }

  /** The waiter was cancelled: cancel the one-shot future and let the continuation be collected. */
  override fun invoke(cause: Throwable?) {
    future.cancel(false)
    cont = null
  }
}
