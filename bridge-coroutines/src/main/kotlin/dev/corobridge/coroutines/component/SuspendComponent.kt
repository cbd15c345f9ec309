// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.component

import dev.corobridge.AsyncExecutor
import dev.corobridge.component.AsyncComponent
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import dev.corobridge.coroutines.CoroutineAsyncExecutor
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.future.future

/**
 * A component written as a suspend function: the Kotlin counterpart of [AsyncComponent] and
 * [dev.corobridge.component.SyncComponent]. Runners see it as an [AsyncComponent]: it runs as an
 * async task of the runner's executor (of any runtime) whose stage is the coroutine, counted against
 * the executor's limits and cancelled with the returned future.
 *
 * ```kotlin
 * class Enricher(private val http: HttpClient) : SuspendComponent<Order, Order> {
 *     override suspend fun invoke(input: Order): Order = input.copy(customer = http.get(input.customerId))
 * }
 * ```
 */
public interface SuspendComponent<I, O> : AsyncComponent<I, O> {
  /** Does the work for [input]; it may suspend, and should not block. */
  public suspend fun invoke(input: I): O

  /** Runs [invoke] under [AsyncComponent.defaultExecutor]. */
  override fun apply(input: I): CompletionStage<O> = applyOn(AsyncComponent.defaultExecutor(), input)

  /**
   * Runs [invoke] as a task of [executor], holding a worker slot until it ends; the future fails with
   * the coroutine's own exception, and cancelling the future cancels the coroutine. On the coroutine
   * engine the coroutine is a task of the executor through and through: it resumes on the executor's
   * dispatcher after every suspension, under its stall watchdog and its `runBlocking` guard, and carries
   * the context propagated from the caller. On other runtimes it resumes on the executor's own threads.
   */
  @OptIn(kotlinx.coroutines.DelicateCoroutinesApi::class)
  override fun applyOn(executor: AsyncExecutor, input: I): CompletableFuture<O> {
    if (executor is CoroutineAsyncExecutor) return executor.submitSuspending { invoke(input) }
    return executor.submit { GlobalScope.future(executor.asCoroutineDispatcher(), CoroutineStart.UNDISPATCHED) { invoke(input) } }
  }
}

/** A [SuspendComponent] named [name] that runs [block]. */
@JvmSynthetic
public fun <I, O> suspendComponent(name: String, block: suspend (I) -> O): SuspendComponent<I, O> =
  object : SuspendComponent<I, O> {
    override suspend fun invoke(input: I): O = block(input)

    override fun name(): String = name
  }
