// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionException
import java.util.concurrent.ExecutionException

/**
 * Waits for [future] on the calling thread: returns its value, rethrows an unchecked failure as is and
 * wraps a checked one in [CompletionException]. If the thread is interrupted, cancels the future, keeps
 * the interrupt status and throws [CancellationException].
 */
internal fun <T> awaitBlocking(future: CompletableFuture<T>): T {
  try {
    return future.get()
  } catch (e: ExecutionException) {
    val cause = e.cause ?: e
    throw if (cause is RuntimeException || cause is Error) cause else CompletionException(cause)
  } catch (e: InterruptedException) {
    future.cancel(true)
    Thread.currentThread().interrupt()
    throw CancellationException("interrupted while waiting for the task").apply { initCause(e) }
  }
}
