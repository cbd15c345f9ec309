// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.coroutines.internal.CoroutineExecutorProvider
import dev.corobridge.spi.AsyncExecutorProvider
import dev.corobridge.tck.AsyncExecutorContract
import dev.corobridge.tck.Await
import java.util.concurrent.CompletableFuture
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** The coroutine engine against the whole TCK. */
class CoroutineEngineContractTest : AsyncExecutorContract() {
  override fun provider(): AsyncExecutorProvider = CoroutineExecutorProvider()

  @Test
  fun toStringReadsNameRuntimeStateWorkersInUseAndQueue() {
    val executor = CoroutineAsyncExecutor(1) { name("status") }
    val gate = CompletableFuture<Void?>()
    val running = executor.submit { gate }
    val queued = executor.submit { gate }
    // the counters behind the line move one by one, so the line is read until the state has settled
    val busy = "AsyncExecutor[status, runtime=coroutines, running, workers in use=1/1, queued=1]"
    Await.until({ executor.toString() == busy }, { "the status line reads $busy, not $executor" })
    gate.complete(null)
    executor.close()
    running.join()
    queued.join()
    assertEquals("AsyncExecutor[status, runtime=coroutines, terminated, workers in use=0/1, queued=0]", executor.toString())
  }
}
