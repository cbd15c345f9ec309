package dev.corobridge.coroutines

import dev.corobridge.coroutines.internal.CoroutineExecutorProvider
import dev.corobridge.spi.AsyncExecutorProvider
import dev.corobridge.tck.AsyncExecutorContract

/** The coroutine engine against the whole TCK. */
class CoroutineEngineContractTest : AsyncExecutorContract() {
  override fun provider(): AsyncExecutorProvider = CoroutineExecutorProvider()

  /** kotlinx.coroutines' shared pools; the executor's own blocking threads are not in them and must end. */
  override fun isSharedRuntimeThread(thread: Thread): Boolean =
    super.isSharedRuntimeThread(thread) ||
      thread.name.startsWith("DefaultDispatcher-worker") ||
      thread.name.startsWith("kotlinx.coroutines.DefaultExecutor")
}
