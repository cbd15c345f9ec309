package dev.corobridge.coroutines.internal

import java.util.concurrent.CompletableFuture
import kotlinx.coroutines.Job

/**
 * The future returned for a task. Completing it from outside (cancel, complete, completeExceptionally,
 * orTimeout, ...) cancels the task's coroutine; the engine itself completes it through [succeed] and
 * [fail], which do not. Dependent futures are plain [CompletableFuture]s.
 */
internal class TaskFuture<T> : CompletableFuture<T>() {
  /** Set by the engine right after launching, before the future is handed out. */
  @JvmField var job: Job? = null

  fun succeed(value: T): Boolean = super.complete(value)

  fun fail(error: Throwable): Boolean = super.completeExceptionally(error)

  /** Completes with a value or a [Failed] outcome. */
  @Suppress("UNCHECKED_CAST")
  fun completeWith(outcome: Any?): Boolean =
    if (outcome is Failed) fail(outcome.error) else succeed(outcome as T)

  override fun cancel(mayInterruptIfRunning: Boolean): Boolean {
    val cancelled = super.cancel(mayInterruptIfRunning)
    job?.cancel()
    return cancelled
  }

  override fun complete(value: T): Boolean = super.complete(value).also { if (it) job?.cancel() }

  override fun completeExceptionally(ex: Throwable): Boolean = super.completeExceptionally(ex).also { if (it) job?.cancel() }
}
