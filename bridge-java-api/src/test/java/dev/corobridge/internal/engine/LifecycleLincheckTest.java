// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import dev.corobridge.ExecutorShutdownException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Model-checks the lifecycle both engines count their work with, over every interleaving Lincheck explores of
 * units entering (accepted or refused), units leaving and shutdown: the executor terminates exactly once if it
 * was shut down and every accepted unit left, never otherwise, and never while an accepted unit is still in
 * flight.
 *
 * <p>A unit in flight is not a step a sequential order could place (it spans an enter and a later exit), so the
 * operations return nothing and the check is the {@link Validate} function run after each execution, plus the
 * termination callback itself, which sees the units in flight at the moment it runs. The test counts a unit in
 * flight from just after its enter to just before its exit, so it never counts one the lifecycle does not.
 */
public class LifecycleLincheckTest {
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger terminations = new AtomicInteger();
  private volatile boolean terminatedEarly;
  private volatile boolean shutDown;
  private final Lifecycle lifecycle = new Lifecycle("checked", () -> {
    if (inFlight.get() != 0) terminatedEarly = true;
    terminations.incrementAndGet();
  });

  @Operation
  public void enter() {
    try {
      lifecycle.enter();
    } catch (ExecutorShutdownException refused) {
      return;
    }
    inFlight.incrementAndGet();
  }

  /** Lets one accepted unit leave, if there is one. */
  @Operation
  public void exit() {
    while (true) {
      int units = inFlight.get();
      if (units == 0) return;
      if (inFlight.compareAndSet(units, units - 1)) break;
    }
    lifecycle.exit();
  }

  @Operation
  public void shutdown() {
    lifecycle.shutdown();
    shutDown = true;
  }

  @Validate
  public void terminatedExactlyOnceIfShutDownAndIdleAndNeverEarly() {
    if (terminatedEarly) throw new IllegalStateException("terminated while a unit was in flight");
    boolean mustHaveTerminated = shutDown && inFlight.get() == 0;
    if (terminations.get() != (mustHaveTerminated ? 1 : 0)) {
      throw new IllegalStateException("terminated " + terminations.get() + " times; shut down=" + shutDown
          + ", units in flight=" + inFlight.get() + ", running=" + lifecycle.isRunning());
    }
    if (lifecycle.isRunning() == shutDown) throw new IllegalStateException("isRunning() disagrees with shutdown()");
  }

  @Test
  void everyInterleavingTerminatesExactlyOnceUnderModelChecking() {
    LinChecker.check(LifecycleLincheckTest.class,
        new ModelCheckingOptions().iterations(20).invocationsPerIteration(1_000).threads(3).actorsPerThread(3));
  }

  @Test
  void everyRunTerminatesExactlyOnceUnderStress() {
    LinChecker.check(LifecycleLincheckTest.class,
        new StressOptions().iterations(5).invocationsPerIteration(1_000).threads(3).actorsPerThread(3));
  }
}
