// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.ScopeOptions
import dev.corobridge.TaskOptions
import dev.corobridge.WaitStrategy
import dev.corobridge.coroutines.CoroutineAsyncExecutor
import dev.corobridge.coroutines.ExecutorScope
import java.time.Duration
import java.util.concurrent.TimeoutException
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.time.Duration.Companion.nanoseconds
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.job
import kotlinx.coroutines.newCoroutineContext
import kotlinx.coroutines.supervisorScope
import kotlinx.coroutines.withTimeoutOrNull

/*
 * Overview: a Kotlin scope is a coroutineScope (policy FIRST_EXCEPTION: exactly its semantics) or, for
 * the other policies, a supervisorScope whose children report to a ScopePolicy that records failures,
 * cancels the other children when the policy says so and rethrows at the end. Children are tasks of the
 * executor started as children of the scope's job (CoroutineAsyncExecutor.startChild). A
 * deadline is a withTimeoutOrNull around the whole scope, turned into a TimeoutException (not a
 * CancellationException, which a parent coroutine would take for a normal cancellation and swallow).
 */

private val NO_LIMIT: Duration = Duration.ofNanos(Long.MAX_VALUE)
private val NO_VALUE = Any()

/** [CoroutineAsyncExecutor.scope] after the executor's checks. */
internal suspend fun <R> runScope(
  executor: CoroutineAsyncExecutor,
  taskContext: CoroutineContext,
  options: ScopeOptions,
  block: suspend ExecutorScope.() -> R,
): R {
  if (options === ScopeOptions.defaults()) return scopeBody(executor, taskContext, options, block) // no Optional to unpack
  val deadline = options.deadline().filter { it <= NO_LIMIT }.orElse(null)
  if (deadline == null) return scopeBody(executor, taskContext, options, block)
  var result: Any? = NO_VALUE
  withTimeoutOrNull(deadline.toNanos().nanoseconds) { result = scopeBody(executor, taskContext, options, block) }
  if (result === NO_VALUE) {
    val name = options.name().map { "scope \"$it\"" }.orElse("the scope")
    throw TimeoutException("$name did not complete within its deadline of $deadline")
  }
  @Suppress("UNCHECKED_CAST")
  return result as R
}

private suspend fun <R> scopeBody(
  executor: CoroutineAsyncExecutor,
  taskContext: CoroutineContext,
  options: ScopeOptions,
  block: suspend ExecutorScope.() -> R,
): R {
  // Each scope is one unit shutdownNow can stop: cancelling the scope's job cancels its children with it.
  if (options.policy() == WaitStrategy.FIRST_EXCEPTION) {
    return coroutineScope {
      executor.stoppedWithShutdownNow()
      ExecutorScopeImpl(executor, this, null, taskContext).block()
    }
  }
  val policy = ScopePolicy(options.policy())
  val value = supervisorScope {
    policy.scopeJob = coroutineContext.job
    executor.stoppedWithShutdownNow()
    ExecutorScopeImpl(executor, this, policy, taskContext).block()
  }
  policy.failure()?.let { throw it }
  return value
}

/**
 * The [ExecutorScope] handed to a scope's block. Every child is started as an `async` child, also for
 * `launch`: under a supervisor its failure is then the policy's to judge, never the uncaught-exception
 * handler's, and under `coroutineScope` it cancels the scope just as a failing `launch` would.
 */
private class ExecutorScopeImpl(
  override val executor: CoroutineAsyncExecutor,
  private val scope: CoroutineScope,
  private val policy: ScopePolicy?,
  /** What every child adds to the scope's context: the executor's task context (see `Engine.taskContext`). */
  private val taskContext: CoroutineContext,
) : ExecutorScope {
  override val coroutineContext: CoroutineContext get() = scope.coroutineContext

  /**
   * The scope's context with the executor's task context added once, for every child: a child then adds only its
   * own slot marker and job (merging contexts element by element costs an allocation or two per element).
   */
  private val children: CoroutineScope = ChildrenScope(scope.coroutineContext.minusKey(HeldSlot) + taskContext)

  override fun <T> async(options: TaskOptions, block: suspend CoroutineScope.() -> T): Deferred<T> =
    executor.startChild(children, options, EmptyCoroutineContext, block).also { policy?.watch(it) }

  override fun launch(options: TaskOptions, block: suspend CoroutineScope.() -> Unit): Job = async(options, block)
}

/** A scope's context as a [CoroutineScope] its children are started in (its job is the scope's). */
internal class ChildrenScope(override val coroutineContext: CoroutineContext) : CoroutineScope {
  /** The scope's job, every child's parent. */
  @JvmField val parentJob: Job = coroutineContext.job

  /**
   * The context a plain child adds only its slot marker and job to, without the scope's job (which the child's own
   * replaces: leaving it out spares each child a copy of every element after it), or null when kotlinx.coroutines
   * adds something of its own to each coroutine's context here (a copy of a copyable element, a debug id): checked
   * once per scope.
   */
  @OptIn(ExperimentalCoroutinesApi::class)
  @JvmField val plainChildBase: CoroutineContext? =
    coroutineContext.takeIf { newCoroutineContext(EmptyCoroutineContext) === it }?.minusKey(Job)

  /** The worker mark that is [plainChildBase]'s only thread-context element, or null (see [soleWorkerMark]). */
  @JvmField val plainChildMark: WorkerMark? = plainChildBase?.let(::soleWorkerMark)
}

/**
 * The policies other than FIRST_EXCEPTION over a supervisor scope: which child outcome cancels the
 * others, and what the scope throws at its end. Thread-safe (children complete on any thread).
 */
private class ScopePolicy(private val strategy: WaitStrategy) {
  @Volatile var scopeJob: Job? = null
  private var firstFailure: Throwable? = null
  private var anySuccess = false
  private var decided = false
  private var decidedFailure: Throwable? = null

  fun watch(child: Job) {
    child.invokeOnCompletion { cause -> completed(child, cause) }
  }

  private fun completed(child: Job, cause: Throwable?) {
    if (cause is CancellationException) return // cancelled children are neither successes nor failures
    var cancelOthers = false
    synchronized(this) {
      if (cause != null) {
        val first = firstFailure
        if (first == null) firstFailure = cause else if (first !== cause) first.addSuppressed(cause)
      }
      when (strategy) {
        WaitStrategy.FIRST_SUCCESS -> if (cause == null && !anySuccess) {
          anySuccess = true
          cancelOthers = true
        }
        WaitStrategy.FIRST_COMPLETED -> if (!decided) {
          decided = true
          decidedFailure = cause
          cancelOthers = true
        }
        else -> {}
      }
    }
    if (cancelOthers) {
      scopeJob?.children?.forEach { if (it !== child) it.cancel() }
    }
  }

  /** What the scope throws at its end, or null. */
  @Synchronized
  fun failure(): Throwable? = when (strategy) {
    WaitStrategy.ALL_COMPLETED -> firstFailure
    WaitStrategy.FIRST_SUCCESS -> if (anySuccess) null else firstFailure
    WaitStrategy.FIRST_COMPLETED -> decidedFailure
    WaitStrategy.FIRST_EXCEPTION -> firstFailure
  }
}
