// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import dev.corobridge.spi.AsyncExecutorProvider;
import dev.corobridge.test.ThreadLeakCheck;

/** What the contract needs to know about the runtime it tests. */
public interface RuntimeUnderTest {
  /**
   * Creates the executors under test. Its {@link AsyncExecutorProvider#maxWorkersLimit()} is the
   * runtime's declared bound: tests that want more workers ask for that many instead.
   *
   * @return the provider of the runtime under test
   */
  AsyncExecutorProvider provider();

  /**
   * Whether a thread belongs to a shared runtime pool the engine uses but did not create for one
   * executor. Such threads may outlive an executor; every other thread an executor started must be gone
   * once it has terminated. By default the threads {@link ThreadLeakCheck#isSharedByRuntimes} names (among
   * them kotlinx.coroutines' shared workers, the carriers of virtual threads, the one {@code corobridge-cleaner}
   * thread that closes abandoned streams and the shared timer's {@code corobridge-timer} threads); a runtime
   * over a pool of the caller's adds that pool's threads.
   *
   * @param thread a thread alive after an executor terminated
   * @return whether it belongs to a shared pool
   */
  default boolean isSharedRuntimeThread(Thread thread) {
    return ThreadLeakCheck.isSharedByRuntimes(thread);
  }

  /**
   * How many tasks the stress run submits.
   *
   * @return the number of tasks
   */
  default int stressTasks() {
    return 300_000;
  }
}
