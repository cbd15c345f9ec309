// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck.runtimes;

import dev.corobridge.runtime.ExecutorRuntime;
import dev.corobridge.spi.AsyncExecutorProvider;
import dev.corobridge.tck.AsyncExecutorContract;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;

/** The adapter over a caller's own ExecutorService against the whole TCK. */
class ExecutorRuntimeContractTest extends AsyncExecutorContract {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService CALLERS_POOL = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "callers-pool-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  });

  @AfterAll
  static void shutDownTheCallersPool() {
    CALLERS_POOL.shutdown();
  }

  @Override
  public AsyncExecutorProvider provider() {
    return new ExecutorRuntime(CALLERS_POOL);
  }

  /** The caller's pool outlives the executors made over it: its threads are not the executor's. */
  @Override
  public boolean isSharedRuntimeThread(Thread thread) {
    return super.isSharedRuntimeThread(thread) || thread.getName().startsWith("callers-pool-");
  }
}
