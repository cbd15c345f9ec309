@file:JvmName("CoroutineAsyncExecutors")

package dev.corobridge.coroutines

import dev.corobridge.AsyncExecutor
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.future.await
import kotlinx.coroutines.withContext

/**
 * Creates a running [CoroutineAsyncExecutor] with [maxWorkers] tasks in flight at most, configured by
 * [configure] (lanes, name, error handler).
 *
 * ```kotlin
 * val executor = CoroutineAsyncExecutor(maxWorkers = 32) {
 *     lane("gallery", 4)
 *     onUncaughtError { e -> log.warn("background task failed", e) }
 * }
 * ```
 *
 * @throws IllegalArgumentException if [maxWorkers] or a lane limit is below 1
 */
public fun CoroutineAsyncExecutor(maxWorkers: Int, configure: AsyncExecutor.Builder.() -> Unit = {}): CoroutineAsyncExecutor {
  val builder = AsyncExecutor.builder().maxWorkers(maxWorkers)
  builder.configure()
  return CoroutineAsyncExecutor.create(builder.toConfig())
}

/**
 * Creates a running [CoroutineAsyncExecutor] whose async work runs on [dispatcher] instead of
 * [Dispatchers.Default][kotlinx.coroutines.Dispatchers.Default].
 *
 * Its main use is testing in virtual time: with a `StandardTestDispatcher` of `runTest`'s scheduler,
 * retries' back-off, timeouts and `waitFor` deadlines are timed by the test scheduler, so they take no
 * real time and `advanceTimeBy` / `runCurrent` drive them. Blocking calls still run on the executor's
 * own blocking threads, in real time.
 *
 * ```kotlin
 * @Test fun retriesBackOff() = runTest {
 *     val executor = CoroutineAsyncExecutor(4, StandardTestDispatcher(testScheduler))
 *     val result = executor.async(TaskOptions.builder().retry(RetryPolicy.exponential(3, Duration.ofMinutes(1))).build()) { flaky() }
 *     advanceTimeBy(3.minutes)
 *     ...
 * }
 * ```
 *
 * @throws IllegalArgumentException if [maxWorkers] or a lane limit is below 1
 */
public fun CoroutineAsyncExecutor(
  maxWorkers: Int,
  dispatcher: CoroutineDispatcher,
  configure: AsyncExecutor.Builder.() -> Unit = {},
): CoroutineAsyncExecutor {
  val builder = AsyncExecutor.builder().maxWorkers(maxWorkers)
  builder.configure()
  return CoroutineAsyncExecutor.create(builder.toConfig(), dispatcher)
}

/**
 * Returns this executor as the coroutine engine, to use its Kotlin API.
 *
 * @throws IllegalArgumentException if this executor comes from another engine
 */
public fun AsyncExecutor.asCoroutineExecutor(): CoroutineAsyncExecutor =
  this as? CoroutineAsyncExecutor
    ?: throw IllegalArgumentException("$this is not run by the coroutine engine (dev.corobridge:bridge-coroutines)")

/**
 * Runs [block] with a new executor of [maxWorkers] and shuts it down on exit, suspending (not blocking)
 * until all the work it accepted has finished, also when [block] throws.
 */
public suspend fun <R> withAsyncExecutor(maxWorkers: Int, block: suspend CoroutineAsyncExecutor.() -> R): R {
  val executor = CoroutineAsyncExecutor(maxWorkers)
  try {
    return executor.block()
  } finally {
    withContext(NonCancellable) {
      executor.shutdown(false, false)
      executor.termination().await()
    }
  }
}

/**
 * Awaits a suspend function as a task of this executor, under its limits; cancelling the caller
 * cancels it. The counterpart, for plain functions, is the member [CoroutineAsyncExecutor.callAppropriately].
 *
 * ```kotlin
 * val user = executor.callAppropriately(::fetchUser)                   // suspend fun: awaited
 * val text = executor.callAppropriately { File("a.txt").readText() }   // plain lambda: blocking worker
 * ```
 */
@JvmSynthetic
public suspend fun <T> CoroutineAsyncExecutor.callAppropriately(fn: suspend () -> T): T {
  val task = async { fn() }
  try {
    return task.await()
  } catch (e: CancellationException) {
    task.cancel()
    throw e
  }
}
