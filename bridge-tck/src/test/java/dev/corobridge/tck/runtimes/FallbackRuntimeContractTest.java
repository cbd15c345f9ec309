// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck.runtimes;

import dev.corobridge.runtime.FallbackRuntime;
import dev.corobridge.spi.AsyncExecutorProvider;
import dev.corobridge.tck.AsyncExecutorContract;

/** The zero-dependency fallback runtime, with its default queue, against the whole TCK. */
class FallbackRuntimeContractTest extends AsyncExecutorContract {
  @Override
  public AsyncExecutorProvider provider() {
    return new FallbackRuntime();
  }
}
