// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.AsyncExecutor
import dev.corobridge.coroutines.CoroutineAsyncExecutor
import dev.corobridge.spi.AsyncExecutorProvider
import dev.corobridge.spi.ExecutorConfig

/**
 * Registers the coroutine engine with `ServiceLoader`, so that [AsyncExecutor.create] and
 * [AsyncExecutor.Builder.build] find it. Not for direct use.
 */
public class CoroutineExecutorProvider : AsyncExecutorProvider {
  override fun create(config: ExecutorConfig): AsyncExecutor = CoroutineAsyncExecutor.create(config)

  override fun priority(): Int = 100
}
