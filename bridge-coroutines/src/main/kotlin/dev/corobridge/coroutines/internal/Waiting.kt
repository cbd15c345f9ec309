// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.WaitResult
import dev.corobridge.WaitStrategy
import dev.corobridge.internal.Failures
import dev.corobridge.internal.Timed
import dev.corobridge.internal.Stages
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import java.util.concurrent.atomic.AtomicInteger

/**
 * `asCompleted` for futures: one output per input, the i-th completing with the outcome of the i-th
 * input to complete. Each input's completion claims the next output slot with one atomic increment.
 */
internal fun <T> completionOrder(inputs: List<CompletionStage<out T>>): List<CompletableFuture<T>> {
  val outputs = List(inputs.size) { CompletableFuture<T>() }
  val next = AtomicInteger()
  for (input in inputs) {
    Stages.follow(input).whenComplete { value, error -> // once per input, whatever the stage does
      val output = outputs[next.getAndIncrement()]
      if (error == null) output.complete(value) else output.completeExceptionally(Failures.unwrap(error))
    }
  }
  return outputs
}

/** Whether [strategy] is met once a future completed with [failed], [remaining] futures still pending. */
internal fun isMet(strategy: WaitStrategy, failed: Boolean, remaining: Int): Boolean = when (strategy) {
  WaitStrategy.ALL_COMPLETED -> remaining == 0
  WaitStrategy.FIRST_COMPLETED -> true
  WaitStrategy.FIRST_EXCEPTION -> failed || remaining == 0
  WaitStrategy.FIRST_SUCCESS -> !failed || remaining == 0
}

/**
 * `waitFor` for futures: completes with the partition at the moment the strategy is met or
 * [timeoutNanos] (negative = none) expires, whichever comes first. Never cancels the inputs. The timer
 * is [schedule]d and is called off as soon as the wait completes.
 */
internal fun <T> waitForFutures(
  futures: List<CompletableFuture<T>>,
  strategy: WaitStrategy,
  timeoutNanos: Long,
  schedule: (Long, () -> Unit) -> Timed,
): CompletableFuture<WaitResult<T>> {
  val result = CompletableFuture<WaitResult<T>>()
  fun finish() {
    if (result.isDone) return
    val done = LinkedHashSet<CompletableFuture<T>>()
    val pending = LinkedHashSet<CompletableFuture<T>>()
    for (f in futures) (if (f.isDone) done else pending).add(f)
    result.complete(WaitResult(done, pending))
  }
  if (futures.isEmpty() || timeoutNanos == 0L) {
    finish()
    return result
  }
  val remaining = AtomicInteger(futures.size)
  for (f in futures) {
    f.whenComplete { _, error -> if (isMet(strategy, error != null, remaining.decrementAndGet())) finish() }
  }
  if (timeoutNanos > 0 && !result.isDone) {
    val timer = schedule(timeoutNanos) { finish() }
    result.whenComplete { _, _ -> timer.cancel() }
  }
  return result
}
