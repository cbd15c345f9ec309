package dev.corobridge.coroutines.component

import dev.corobridge.AsyncExecutor
import dev.corobridge.component.AsyncComponent
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionStage
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
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
   * Runs [invoke] as an async task of [executor], holding a worker slot until it ends; the future fails
   * with the coroutine's own exception, and cancelling the future cancels the coroutine.
   */
  @OptIn(kotlinx.coroutines.DelicateCoroutinesApi::class)
  override fun applyOn(executor: AsyncExecutor, input: I): CompletableFuture<O> =
    executor.submit { GlobalScope.future(Dispatchers.Default, CoroutineStart.UNDISPATCHED) { invoke(input) } }
}

/** A [SuspendComponent] named [name] that runs [block]. */
public fun <I, O> suspendComponent(name: String, block: suspend (I) -> O): SuspendComponent<I, O> =
  object : SuspendComponent<I, O> {
    override suspend fun invoke(input: I): O = block(input)

    override fun name(): String = name
  }
