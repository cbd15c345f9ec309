// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.MapOptions
import dev.corobridge.ScopeOptions
import dev.corobridge.TaskOptions
import dev.corobridge.WaitStrategy
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.Flow

/**
 * The receiver of [CoroutineAsyncExecutor.scope] and [withAsyncExecutor]: a [CoroutineScope] whose
 * [async] and [launch] start *structured children* that run on the executor's dispatcher under its
 * limits (`maxWorkers`, lanes, semaphores, retries and timeouts from [TaskOptions]).
 *
 * The scope follows [kotlinx.coroutines.coroutineScope] exactly (with the default policy): it returns
 * only after every child has finished; a child's failure cancels the block and the other children and
 * is rethrown (a failing [launch] is never only logged); cancelling the caller cancels every child and
 * interrupts their blocking calls. Children carry the caller's context elements (`CoroutineName`, MDC
 * or tracing `ThreadContextElement`s).
 *
 * ```kotlin
 * val pages = executor.scope(ScopeOptions.builder().deadline(Duration.ofSeconds(2)).build()) {
 *     urls.map { url -> async { client.get(url) } }.awaitAll()
 * }
 * ```
 *
 * The batch operations of the executor are members too, so a block reads as a plan of the work.
 */
public interface ExecutorScope : CoroutineScope {
  /** The executor the children run on. */
  public val executor: CoroutineAsyncExecutor

  /**
   * Starts [block] as a child task under [options] and returns its [Deferred]. Its failure cancels the
   * scope (with the default policy) and is rethrown by it.
   *
   * @throws dev.corobridge.ExecutorShutdownException if the executor is shut down
   */
  public fun <T> async(options: TaskOptions = TaskOptions.defaults(), block: suspend CoroutineScope.() -> T): Deferred<T>

  /**
   * Starts [block] as a child task under [options]. Its failure cancels the scope (with the default
   * policy) and is rethrown by it; it is never only logged.
   *
   * @throws dev.corobridge.ExecutorShutdownException if the executor is shut down
   */
  public fun launch(options: TaskOptions = TaskOptions.defaults(), block: suspend CoroutineScope.() -> Unit): Job

  /** [CoroutineAsyncExecutor.map], carrying this scope's context. */
  public suspend fun <A, R> map(items: Iterable<A>, options: MapOptions = MapOptions.defaults(), transform: suspend (A) -> R): List<R> =
    executor.map(items, options, transform)

  /** [CoroutineAsyncExecutor.mapIter]. */
  public fun <A, R> mapIter(items: Iterable<A>, options: MapOptions = MapOptions.defaults(), transform: suspend (A) -> R): Flow<R> =
    executor.mapIter(items, options, transform)

  /** [CoroutineAsyncExecutor.asCompleted]. */
  public fun <T> asCompleted(deferreds: Collection<Deferred<T>>): Flow<T> = executor.asCompleted(deferreds)

  /** [CoroutineAsyncExecutor.waitFor]. */
  public suspend fun <T> waitFor(
    deferreds: Collection<Deferred<T>>,
    strategy: WaitStrategy,
    timeout: kotlin.time.Duration? = null,
  ): DeferredWaitResult<T> = executor.waitFor(deferreds, strategy, timeout)

  /** [CoroutineAsyncExecutor.callAppropriately]: a plain function on a blocking worker. */
  public suspend fun <T> callAppropriately(fn: () -> T): T = executor.callAppropriately(fn)

  /** A nested scope on the same executor: see [CoroutineAsyncExecutor.scope]. */
  public suspend fun <R> scope(options: ScopeOptions = ScopeOptions.defaults(), block: suspend ExecutorScope.() -> R): R =
    executor.scope(options, block)
}
