// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrencyProbeTest {
  @Test
  void countsTasksInsideNowTheMostAtOnceAndEveryEntry() {
    ConcurrencyProbe probe = new ConcurrencyProbe();
    probe.enter();
    probe.enter();
    probe.exit();
    probe.enter();
    assertEquals(2, probe.now());
    assertEquals(2, probe.max());
    assertEquals(3, probe.entered());
    assertEquals("ConcurrencyProbe[now=2, max=2, entered=3]", probe.toString());
  }

  @Test
  void theMostAtOnceNeverExceedsTheLimitThatGuardsTheRegionUnderContention() throws Exception {
    ConcurrencyProbe probe = new ConcurrencyProbe();
    Semaphore limit = new Semaphore(3);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread t = new Thread(() -> {
        for (int j = 0; j < 20_000; j++) {
          limit.acquireUninterruptibly();
          probe.enter();
          probe.exit();
          limit.release();
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) t.join(TimeUnit.SECONDS.toMillis(30));
    assertEquals(160_000, probe.entered());
    assertEquals(0, probe.now());
    assertTrue(probe.max() >= 1 && probe.max() <= 3, "most inside at once: " + probe.max());
  }

  @Test
  void aStageCompletesOnlyAfterItsTaskLeftTheRegion() {
    ConcurrencyProbe probe = new ConcurrencyProbe();
    List<CompletableFuture<Integer>> seen = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      seen.add(probe.completeLater("v", 20).thenApply(v -> probe.now()));
    }
    CompletableFuture.allOf(seen.toArray(CompletableFuture[]::new)).orTimeout(20, TimeUnit.SECONDS).join();
    assertEquals(0, probe.now());
    assertEquals(20, probe.entered());
    for (CompletableFuture<Integer> s : seen) {
      assertTrue(s.join() < 20, "a completed stage's own task had left");
    }
  }

  @Test
  void aBlockingCallLeavesTheRegionWhenInterrupted() throws Exception {
    ConcurrencyProbe probe = new ConcurrencyProbe();
    Callable<Object> call = probe.blockingCall(60_000);
    CompletableFuture<Object> outcome = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        outcome.complete(call.call());
      } catch (Throwable e) {
        outcome.completeExceptionally(e);
      }
    });
    t.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (probe.now() == 0) {
      assertTrue(System.nanoTime() < deadline, "the call entered within 20 s");
      Thread.onSpinWait();
    }
    t.interrupt();
    ExecutionException e = assertThrows(ExecutionException.class, () -> outcome.get(20, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof InterruptedException, "failed with " + e.getCause());
    assertEquals(0, probe.now());
  }

  @Test
  void theLongestDelayIsAcceptedAndKeepsTheTaskInside() {
    ConcurrencyProbe probe = new ConcurrencyProbe();
    CompletableFuture<String> stage = probe.completeLater("v", Integer.MAX_VALUE);
    assertEquals(1, probe.entered());
    assertTrue(stage.isDone() || probe.now() == 1, "a stage still pending has its task inside");
  }

  @Test
  void negativeDelaysAreRefusedNamingTheParameter() {
    ConcurrencyProbe probe = new ConcurrencyProbe();
    IllegalArgumentException stage = assertThrows(IllegalArgumentException.class, () -> probe.completeLater("v", -1));
    assertEquals("maxMillis must be >= 0, was -1", stage.getMessage());
    IllegalArgumentException call = assertThrows(IllegalArgumentException.class, () -> probe.blockingCall(-5));
    assertEquals("millis must be >= 0, was -5", call.getMessage());
    assertEquals(0, probe.entered(), "a refused call does not enter");
  }
}
