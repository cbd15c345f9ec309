// SPDX-License-Identifier: Apache-2.0
@file:JvmName("CoroutineAsyncExecutors")

package dev.corobridge.coroutines

import dev.corobridge.AsyncExecutor
import dev.corobridge.ScopeOptions
import dev.corobridge.coroutines.internal.TaskPlan
import kotlinx.coroutines.CoroutineDispatcher
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
@JvmSynthetic
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
@JvmSynthetic
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
 * Runs [block] in a new scope whose [ExecutorScope.async] and [ExecutorScope.launch] start structured
 * children on this executor, and returns its value once every child has finished. With the default
 * options it is [kotlinx.coroutines.coroutineScope] exactly: a child's failure cancels the block and
 * the other children and is rethrown, cancelling the caller cancels every child (blocking calls are
 * interrupted). The other policies of [ScopeOptions]: `ALL_COMPLETED` cancels nothing and rethrows the
 * first failure at the end; `FIRST_SUCCESS` cancels the other children at the first success and
 * fails only if no child succeeded; `FIRST_COMPLETED` cancels the others when the first child
 * finishes and rethrows its failure. A deadline that passes cancels every child and throws
 * [java.util.concurrent.TimeoutException]. Children carry the caller's context elements. Called from a
 * task of this executor, the task lends its worker slot while it waits for the scope.
 *
 * ```kotlin
 * val (user, orders) = executor.scope {
 *     val user = async { users.find(id) }
 *     val orders = async { callAppropriately { orderDao.list(id) } }
 *     user.await() to orders.await()
 * }
 * ```
 *
 * @throws dev.corobridge.ExecutorShutdownException if the executor is shut down
 */
@JvmSynthetic
public suspend fun <R> CoroutineAsyncExecutor.scope(options: ScopeOptions = ScopeOptions.defaults(), block: suspend ExecutorScope.() -> R): R =
  runScopeBlock(options, block)

/**
 * Runs [block] in a [scope] of a new executor of [maxWorkers], configured by
 * [configure] (lanes, name, error handler), and shuts the executor down on exit, suspending (not
 * blocking) until all the work it accepted has finished, also when [block] throws. The block's
 * [ExecutorScope.async] and [ExecutorScope.launch] are structured children: the call returns after every
 * child, and a child's failure cancels the rest and is rethrown.
 *
 * ```kotlin
 * withAsyncExecutor(maxWorkers = 16, configure = { lane("reports", 2) }) {
 *     val pages = map(urls) { url -> client.get(url) }
 *     val report = async(TaskOptions.builder().lane("reports").build()) { buildReport(pages) }
 *     publish(report.await())
 * }
 * ```
 *
 * @throws IllegalArgumentException if [maxWorkers] or a lane limit is below 1
 */
@JvmSynthetic
public suspend fun <R> withAsyncExecutor(
  maxWorkers: Int,
  configure: AsyncExecutor.Builder.() -> Unit = {},
  block: suspend ExecutorScope.() -> R,
): R {
  val executor = CoroutineAsyncExecutor(maxWorkers, configure)
  try {
    return executor.scope(ScopeOptions.defaults(), block)
  } finally {
    withContext(NonCancellable) {
      executor.shutdown(false, false)
      executor.termination().await()
    }
  }
}

/** The v0.1 form, whose block received the executor; kept for binary compatibility. */
@Deprecated("The block now receives an ExecutorScope (structured children); use withAsyncExecutor(maxWorkers) { ... }", level = DeprecationLevel.HIDDEN)
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
 * Awaits a suspend function as a task of this executor, under its limits and in the caller's context
 * (its job is the parent, its context elements are carried); cancelling the caller cancels it. The
 * counterpart, for plain functions, is the member [CoroutineAsyncExecutor.callAppropriately].
 *
 * ```kotlin
 * val user = executor.callAppropriately(::fetchUser)                   // suspend fun: awaited
 * val text = executor.callAppropriately { File("a.txt").readText() }   // plain lambda: blocking worker
 * ```
 */
@JvmSynthetic
public suspend fun <T> CoroutineAsyncExecutor.callAppropriately(fn: suspend () -> T): T = runAsChild(TaskPlan.PLAIN) { fn() }

/** [CoroutineAsyncExecutor.callAppropriately] for a suspend function, from an [ExecutorScope]. */
@JvmSynthetic
public suspend fun <T> ExecutorScope.callAppropriately(fn: suspend () -> T): T = executor.callAppropriately(fn)
