// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.AsyncExecutor
import dev.corobridge.coroutines.internal.CoroutineExecutorProvider
import dev.corobridge.spi.AsyncExecutorProvider
import dev.corobridge.spi.ExecutorConfig
import dev.corobridge.tck.AsyncExecutorContract
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.condition.EnabledForJreRange
import org.junit.jupiter.api.condition.JRE

/**
 * The coroutine engine with its blocking lane on virtual threads, against the whole TCK. Virtual
 * threads exist from JDK 21 on; on JDK 17 the engine keeps its platform blocking pool (the plain
 * contract run covers that), so this class runs on the JDK 21+ leg of CI.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadEngineContractTest : AsyncExecutorContract() {
  override fun provider(): AsyncExecutorProvider = object : AsyncExecutorProvider {
    override fun create(config: ExecutorConfig): AsyncExecutor = CoroutineExecutorProvider().create(config.withPreferVirtualThreads(true))
  }

  @Test
  fun blockingWorkRunsOnVirtualThreads() {
    provider().create(AsyncExecutor.builder().name("virtual").maxWorkers(2).toConfig()).use { executor ->
      val thread = executor.submitBlocking { Thread.currentThread() }.join()
      val isVirtual = Thread::class.java.getMethod("isVirtual").invoke(thread) as Boolean
      assertTrue(isVirtual, "$thread is virtual")
      assertTrue(thread.name.startsWith("virtual-blocking-"), thread.name)
    }
  }
}
