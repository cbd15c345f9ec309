// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Model-checks the semaphore's permit accounting: every interleaving of acquire (granted at once or
 * queued), tryAcquire, release (to the longest waiter, or refused past the initial permits) and
 * availablePermits must match some sequential order. Withdrawing a queued request is not one atomic
 * step that Lincheck could compare with a sequential run; AsyncSemaphoreTest stresses it instead.
 */
public class QueuedAsyncSemaphoreLincheckTest {
  private final QueuedAsyncSemaphore semaphore = new QueuedAsyncSemaphore(2);

  @Operation
  public boolean tryAcquire() {
    return semaphore.tryAcquire();
  }

  /** Asks for a permit; a request that must wait stays queued and is served by a later release. */
  @Operation
  public void acquire() {
    semaphore.acquire();
  }

  @Operation
  public String release() {
    try {
      semaphore.release();
      return "released";
    } catch (IllegalStateException overRelease) {
      return "refused";
    }
  }

  @Operation
  public int availablePermits() {
    return semaphore.availablePermits();
  }

  @Test
  void everyInterleavingIsLinearizableUnderModelChecking() {
    LinChecker.check(QueuedAsyncSemaphoreLincheckTest.class,
        new ModelCheckingOptions().iterations(15).invocationsPerIteration(1_000).threads(3).actorsPerThread(3));
  }

  @Test
  void everyRunIsLinearizableUnderStress() {
    LinChecker.check(QueuedAsyncSemaphoreLincheckTest.class,
        new StressOptions().iterations(5).invocationsPerIteration(1_000).threads(3).actorsPerThread(3));
  }
}
