// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.ScopeOptions
import dev.corobridge.TaskOptions
import dev.corobridge.WaitStrategy
import dev.corobridge.coroutines.CoroutineAsyncExecutor
import dev.corobridge.coroutines.ExecutorScope
import java.lang.ref.WeakReference
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
import kotlinx.coroutines.currentCoroutineContext
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
 *
 * Per scope, the engine records the scope's job among the units shutdownNow stops while the scope runs (dropped when
 * coroutineScope has returned, its children done) and works out once what its plain children's contexts share
 * ([PlainChildBase]): from the caller's context, so a caller that opens scope after scope reuses the last one's.
 */

private val NO_LIMIT: Duration = Duration.ofNanos(Long.MAX_VALUE)
private val NO_VALUE = Any()

/** [CoroutineAsyncExecutor.scope] after the executor's checks. */
internal suspend fun <R> runScope(
  executor: CoroutineAsyncExecutor,
  engine: Engine,
  options: ScopeOptions,
  block: suspend ExecutorScope.() -> R,
): R {
  if (options === ScopeOptions.defaults()) return scopeBody(executor, engine, options, block) // no Optional to unpack
  val deadline = options.deadline().filter { it <= NO_LIMIT }.orElse(null)
  if (deadline == null) return scopeBody(executor, engine, options, block)
  var result: Any? = NO_VALUE
  withTimeoutOrNull(deadline.toNanos().nanoseconds) { result = scopeBody(executor, engine, options, block) }
  if (result === NO_VALUE) {
    val name = options.name().map { "scope \"$it\"" }.orElse("the scope")
    throw TimeoutException("$name did not complete within its deadline of $deadline")
  }
  @Suppress("UNCHECKED_CAST")
  return result as R
}

private suspend fun <R> scopeBody(
  executor: CoroutineAsyncExecutor,
  engine: Engine,
  options: ScopeOptions,
  block: suspend ExecutorScope.() -> R,
): R {
  val caller = currentCoroutineContext()
  // Each scope is one unit shutdownNow can stop while it runs: cancelling the scope's job cancels its children with it.
  var unit: UnitRecord? = null
  try {
    if (options.policy() == WaitStrategy.FIRST_EXCEPTION) {
      return coroutineScope {
        unit = engine.registerUnit(coroutineContext.job, coroutineContext.job)
        ExecutorScopeImpl(executor, this, null, engine, caller).block()
      }
    }
    val policy = ScopePolicy(options.policy())
    val value = supervisorScope {
      policy.scopeJob = coroutineContext.job
      unit = engine.registerUnit(coroutineContext.job, coroutineContext.job)
      ExecutorScopeImpl(executor, this, policy, engine, caller).block()
    }
    policy.failure()?.let { throw it }
    return value
  } finally {
    unit?.let(engine::unregisterUnit) // the scope's job has completed: coroutineScope returns only then
  }
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
  engine: Engine,
  /** The context of the coroutine that opened the scope. */
  caller: CoroutineContext,
) : ExecutorScope {
  override val coroutineContext: CoroutineContext get() = scope.coroutineContext

  private val children: CoroutineScope = ChildrenScope(scope.coroutineContext, engine, caller)

  override fun <T> async(options: TaskOptions, block: suspend CoroutineScope.() -> T): Deferred<T> =
    executor.startChild(children, options, EmptyCoroutineContext, block).also { policy?.watch(it) }

  override fun launch(options: TaskOptions, block: suspend CoroutineScope.() -> Unit): Job = async(options, block)
}

/**
 * A scope's context as a [CoroutineScope] its children are started in: the scope's, without the slot marker of the task
 * that opened it, with the executor's task context (see `Engine.taskContext`) added once for every child (merging
 * contexts element by element costs an allocation or two per element). Only children with options use that context
 * whole (made when the first asks); a plain child adds its slot marker and job to [plainChildBase].
 */
internal class ChildrenScope(
  private val scopeContext: CoroutineContext,
  private val engine: Engine,
  caller: CoroutineContext,
) : CoroutineScope {
  /** The scope's job, every child's parent. */
  @JvmField val parentJob: Job = scopeContext.job

  /**
   * The context a plain child adds only its slot marker and job to, without the scope's job (see [PlainChildBase]), or
   * null when kotlinx.coroutines adds something of its own to each coroutine's context here.
   */
  @JvmField val plainChildBase: CoroutineContext?

  /** The worker mark that is [plainChildBase]'s only thread-context element, or null (see [soleWorkerMark]). */
  @JvmField val plainChildMark: WorkerMark?

  init {
    val plain = engine.plainChildBaseFor(caller, scopeContext)
    plainChildBase = plain.base
    plainChildMark = plain.mark
  }

  /** Made on first use: a race makes it twice, equal (its classes' fields are final, so it is safely published). */
  private var context: CoroutineContext? = null

  override val coroutineContext: CoroutineContext
    get() = context ?: engine.childContextOf(scopeContext).also { context = it }
}

/** The context a scope's children are started in, from the scope's [scopeContext] (see [ChildrenScope]). */
private fun Engine.childContextOf(scopeContext: CoroutineContext): CoroutineContext = scopeContext.minusKey(HeldSlot) + taskContext

/**
 * The plain-child base for a scope opened in a coroutine whose context is [caller]: the last scope's if its caller's
 * context was the same object, else worked out from the scope's context and kept.
 */
private fun Engine.plainChildBaseFor(caller: CoroutineContext, scopeContext: CoroutineContext): PlainChildBase {
  val last = lastPlainChildBase
  if (last != null && last.isFor(caller)) return last
  return PlainChildBase.of(caller, childContextOf(scopeContext)).also { lastPlainChildBase = it }
}

/**
 * What the plain children of the scopes a caller opens share in their context: the scope's context without its job and
 * the opening task's slot marker, with the executor's task context ([base]), and its worker mark if that is its only
 * thread-context element ([mark]). Worked out from one scope's context, it holds for every scope whose caller's context
 * is the same object (only the scope's job differs, and the base leaves it out); the engine keeps the last one.
 *
 * Both contexts are held weakly, so that an executor keeps nothing of a caller alive: through its job the caller's
 * context reaches the caller's coroutine and, once that completed, its result; the base holds the caller's elements
 * (a request's MDC map, say). The base stays while children use it; cleared between scopes, it is worked out again.
 */
internal class PlainChildBase private constructor(
  caller: CoroutineContext,
  base: CoroutineContext?,
  @JvmField val mark: WorkerMark?,
) {
  private val caller = WeakReference(caller)
  private val baseRef: WeakReference<CoroutineContext>? = base?.let(::WeakReference)

  /**
   * The base, or null when kotlinx.coroutines adds something of its own to each coroutine's context (a copy of a
   * copyable element, a debug id) or when it was cleared since [isFor] looked: each child's context is then made as
   * `async` makes it, which is always right.
   */
  val base: CoroutineContext? get() = baseRef?.get()

  /** Whether this is the base of the scopes opened in a coroutine whose context is [caller], and still whole. */
  fun isFor(caller: CoroutineContext): Boolean = this.caller.get() === caller && (baseRef == null || baseRef.get() != null)

  companion object {
    /** The plain-child base of the scopes opened in [caller], whose children's context is [childContext]. */
    @OptIn(ExperimentalCoroutinesApi::class)
    fun of(caller: CoroutineContext, childContext: CoroutineContext): PlainChildBase {
      val base = childContext.takeIf { CoroutineScope(it).newCoroutineContext(EmptyCoroutineContext) === it }?.minusKey(Job)
      return PlainChildBase(caller, base, base?.let(::soleWorkerMark))
    }
  }
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
