// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import dev.corobridge.ExecutorShutdownException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Model-checks the lifecycle both engines count their work with, over every interleaving Lincheck explores of
 * units entering (accepted or refused), units entering within one in flight (admitted even after shutdown), units
 * leaving and shutdown: the executor terminates exactly once if it was shut down and every accepted unit left,
 * never otherwise, and never while an accepted unit is still in flight.
 *
 * <p>A unit in flight is not a step a sequential order could place (it spans an enter and a later exit), so the
 * operations return nothing and the check is the {@link Validate} function run after each execution, plus the
 * termination callback itself, which sees the units in flight at the moment it runs. The test counts a unit in
 * flight from just after its enter to just before its exit, so it never counts one the lifecycle does not. A unit
 * that starts another within it is held meanwhile (still in flight, but no other operation lets it leave); the
 * units in flight and those held are one {@code long}, so the two change together.
 */
public class LifecycleLincheckTest {
  /** The units in flight (low 32 bits) and, of those, the ones held while they start another (high 32 bits). */
  private final AtomicLong units = new AtomicLong();
  private final AtomicInteger terminations = new AtomicInteger();
  private volatile boolean terminatedEarly;
  private volatile boolean shutDown;
  private final Lifecycle lifecycle = new Lifecycle("checked", () -> {
    if (inFlight() != 0) terminatedEarly = true;
    terminations.incrementAndGet();
  });

  @Operation
  public void enter() {
    try {
      lifecycle.enter();
    } catch (ExecutorShutdownException refused) {
      return;
    }
    units.incrementAndGet();
  }

  /** Lets one accepted unit leave, if one is in flight and not held. */
  @Operation
  public void exit() {
    if (!take(-1, 0)) return;
    lifecycle.exit();
  }

  /** Lets one accepted unit, if one is in flight and not held, start another within it (admitted after shutdown too). */
  @Operation
  public void enterWithin() {
    if (!take(0, 1)) return; // held: it stays in flight meanwhile
    lifecycle.enterWithin();
    units.addAndGet(1 - (1L << 32)); // one more in flight, and the held one goes on
  }

  /** Takes a unit in flight that is not held: adds {@code toInFlight} to the units in flight and {@code toHeld} to those held. */
  private boolean take(int toInFlight, int toHeld) {
    while (true) {
      long now = units.get();
      if ((int) now - (int) (now >>> 32) == 0) return false;
      if (units.compareAndSet(now, now + toInFlight + ((long) toHeld << 32))) return true;
    }
  }

  private int inFlight() {
    return (int) units.get();
  }

  @Operation
  public void shutdown() {
    lifecycle.shutdown();
    shutDown = true;
  }

  @Validate
  public void terminatedExactlyOnceIfShutDownAndIdleAndNeverEarly() {
    if (terminatedEarly) throw new IllegalStateException("terminated while a unit was in flight");
    boolean mustHaveTerminated = shutDown && inFlight() == 0;
    if (terminations.get() != (mustHaveTerminated ? 1 : 0)) {
      throw new IllegalStateException("terminated " + terminations.get() + " times; shut down=" + shutDown
          + ", units in flight=" + inFlight() + ", running=" + lifecycle.isRunning());
    }
    if (lifecycle.isRunning() == shutDown) throw new IllegalStateException("isRunning() disagrees with shutdown()");
  }

  @Test
  void everyInterleavingTerminatesExactlyOnceUnderModelChecking() {
    LinChecker.check(LifecycleLincheckTest.class,
        new ModelCheckingOptions().iterations(20).invocationsPerIteration(1_000).threads(3).actorsPerThread(3));
  }

  /**
   * The race the two counts must get right, explored interleaving by interleaving: the last units in flight exit
   * while another thread shuts the executor down. Whichever step comes last sees the executor idle and terminates
   * it, once. (No unit is refused here: a refused unit's own exit would terminate it and hide a lost termination.)
   */
  @Test
  void theLastExitRacingShutdownTerminatesExactlyOnceInEveryInterleaving() {
    Lincheck.runConcurrentTest(2_000, () -> {
      AtomicInteger terminations = new AtomicInteger();
      Lifecycle raced = new Lifecycle("raced", terminations::incrementAndGet);
      raced.enter();
      raced.enter();
      Thread lastOut = new Thread(() -> {
        raced.exit();
        raced.exit();
      });
      Thread stopper = new Thread(raced::shutdown);
      lastOut.start();
      stopper.start();
      join(lastOut);
      join(stopper);
      if (terminations.get() != 1) throw new AssertionError("terminated " + terminations.get() + " times");
    });
  }

  private static void join(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void everyRunTerminatesExactlyOnceUnderStress() {
    LinChecker.check(LifecycleLincheckTest.class,
        new StressOptions().iterations(5).invocationsPerIteration(1_000).threads(3).actorsPerThread(3));
  }
}
