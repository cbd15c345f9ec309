// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.ExecutorShutdownException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LifecycleTest {
  @Test
  void aLifecycleWithNothingInFlightTerminatesAtShutdownOnce() {
    AtomicInteger terminations = new AtomicInteger();
    Lifecycle lifecycle = new Lifecycle("idle", terminations::incrementAndGet);
    assertTrue(lifecycle.isRunning());
    lifecycle.shutdown();
    lifecycle.shutdown();
    assertFalse(lifecycle.isRunning());
    assertEquals(1, terminations.get());
    ExecutorShutdownException refused = assertThrows(ExecutorShutdownException.class, lifecycle::enter);
    assertTrue(refused.getMessage().contains("idle"), refused.getMessage());
    assertEquals(1, terminations.get(), "a refused unit does not terminate it again");
  }

  @Test
  void theLastUnitOutAfterShutdownTerminatesAndAUnitStartedWithinOneIsStillAdmitted() {
    AtomicInteger terminations = new AtomicInteger();
    Lifecycle lifecycle = new Lifecycle("busy", terminations::incrementAndGet);
    lifecycle.enter();
    lifecycle.shutdown();
    lifecycle.enterWithin(); // an item of the stream still in flight
    assertThrows(ExecutorShutdownException.class, lifecycle::enter);
    lifecycle.exit();
    assertEquals(0, terminations.get(), "one unit still in flight");
    lifecycle.exit();
    assertEquals(1, terminations.get());
  }

  /**
   * Many threads enter and leave while one shuts down: termination happens exactly once, and only after every
   * accepted unit has left.
   */
  @Test
  void underRacingUnitsAndShutdownItTerminatesExactlyOnceAfterTheLastAcceptedUnitLeft() throws Exception {
    for (int round = 0; round < 200; round++) {
      AtomicInteger inFlight = new AtomicInteger();
      AtomicInteger terminations = new AtomicInteger();
      AtomicInteger earlyTerminations = new AtomicInteger();
      Lifecycle lifecycle = new Lifecycle("raced", () -> {
        if (inFlight.get() != 0) earlyTerminations.incrementAndGet();
        terminations.incrementAndGet();
      });
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        threads.add(started(() -> {
          await(go);
          for (int i = 0; i < 500; i++) {
            try {
              lifecycle.enter();
            } catch (ExecutorShutdownException refused) {
              continue;
            }
            inFlight.incrementAndGet(); // counted between its enter and its exit only
            if (ThreadLocalRandom.current().nextInt(8) == 0) Thread.yield();
            inFlight.decrementAndGet();
            lifecycle.exit();
          }
        }));
      }
      threads.add(started(() -> {
        await(go);
        if (ThreadLocalRandom.current().nextBoolean()) Thread.yield();
        lifecycle.shutdown();
      }));
      go.countDown();
      for (Thread thread : threads) thread.join();
      assertEquals(1, terminations.get(), "round " + round + ": terminated exactly once");
      assertEquals(0, earlyTerminations.get(), "round " + round + ": never while a unit was in flight");
    }
  }

  private static Thread started(Runnable body) {
    Thread thread = new Thread(body, "lifecycle-racer");
    thread.start();
    return thread;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
