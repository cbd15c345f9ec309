// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.corobridge.AsyncExecutor;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadLeakCheckTest {
  private static Thread waitingThread(String name, CountDownLatch release) {
    Thread t = new Thread(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void aThreadStartedAfterTheSnapshotAndStillAliveFailsTheCheckNamingIt() throws Exception {
    ThreadLeakCheck check = ThreadLeakCheck.start();
    CountDownLatch release = new CountDownLatch(1);
    Thread leaky = waitingThread("leaky-worker", release);
    AssertionError e = assertThrows(AssertionError.class, () -> check.assertNoneLeft(Duration.ofMillis(50)));
    assertTrue(e.getMessage().contains("leaky-worker"), e.getMessage());
    assertThrows(AssertionError.class, check::assertNoneAliveNow);
    assertEquals(List.of("leaky-worker"), check.leftNow());
    release.countDown();
    check.assertNoneLeft(Duration.ofSeconds(20));
    assertTrue(!leaky.isAlive());
  }

  @Test
  void threadsAliveBeforeTheSnapshotAreNotCounted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Thread older = waitingThread("older-worker", release);
    try {
      ThreadLeakCheck check = ThreadLeakCheck.start();
      check.assertNoneAliveNow();
      check.assertNoneLeft(Duration.ZERO);
    } finally {
      release.countDown();
      older.join(TimeUnit.SECONDS.toMillis(20));
    }
  }

  @Test
  void threadsSharedByRuntimesAndThoseTheTestIgnoresAreNotCounted() throws Exception {
    ThreadLeakCheck check = ThreadLeakCheck.start();
    CountDownLatch release = new CountDownLatch(1);
    Thread kotlinx = waitingThread("DefaultDispatcher-worker-99", release);
    Thread timer = waitingThread("corobridge-timer-action", release);
    Thread callers = waitingThread("callers-pool-1", release);
    try {
      assertEquals(List.of("callers-pool-1"), check.leftNow());
      assertTrue(ThreadLeakCheck.isSharedByRuntimes(kotlinx) && ThreadLeakCheck.isSharedByRuntimes(timer));
      assertTrue(!ThreadLeakCheck.isSharedByRuntimes(callers));
      ThreadLeakCheck ignoringCallers = check.ignoring(t -> t.getName().startsWith("callers-pool-"));
      ignoringCallers.assertNoneAliveNow();
      assertEquals(List.of("callers-pool-1"), check.leftNow(), "ignoring makes a new check; this one is unchanged");
    } finally {
      release.countDown();
      for (Thread t : List.of(kotlinx, timer, callers)) t.join(TimeUnit.SECONDS.toMillis(20));
    }
  }

  @Test
  void theThreadsOfAForkJoinPoolOfOnesOwnAreCounted() throws Exception {
    ThreadLeakCheck check = ThreadLeakCheck.start();
    ForkJoinPool pool = new ForkJoinPool(1);
    try {
      pool.submit(() -> { }).get(20, TimeUnit.SECONDS);
      List<String> left = check.leftNow();
      assertEquals(1, left.size(), "the pool's worker is counted: " + left);
      assertTrue(left.get(0).startsWith("ForkJoinPool-"), left.get(0));
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(20, TimeUnit.SECONDS);
    }
    check.assertNoneLeft(Duration.ofSeconds(20));
  }

  @Test
  void theThreadsOfTheVirtualThreadSchedulerAreShared() throws Exception {
    Method ofVirtual;
    try {
      ofVirtual = Thread.class.getMethod("startVirtualThread", Runnable.class);
    } catch (NoSuchMethodException e) {
      ofVirtual = null;
    }
    assumeTrue(ofVirtual != null, "this JDK has no virtual threads");
    ThreadLeakCheck check = ThreadLeakCheck.start();
    Thread sleeper = (Thread) ofVirtual.invoke(null, (Runnable) () -> {
      try {
        Thread.sleep(20); // a timed park: starts the scheduler's delay scheduler on JDK 25
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    sleeper.join(20_000);
    assertTrue(!sleeper.isAlive(), "the virtual thread ended");
    int schedulerThreads = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      ThreadGroup group = t.getThreadGroup();
      if (group != null && group.getName().equals("CarrierThreads")) {
        schedulerThreads++;
        assertTrue(ThreadLeakCheck.isSharedByRuntimes(t), t.getName() + " (" + t.getClass().getName() + ") is shared");
      }
    }
    assertTrue(schedulerThreads > 0, "the scheduler's threads were found");
    assertEquals(List.of(), check.leftNow());
  }

  @Test
  void theThreadsOfAClosedExecutorAreGone() {
    ThreadLeakCheck check = ThreadLeakCheck.start();
    try (AsyncExecutor executor = AsyncExecutor.builder().name("checked").maxWorkers(4).build()) {
      for (int i = 0; i < 8; i++) {
        executor.submitBlocking(() -> Thread.currentThread().getName()).join();
      }
    }
    check.assertNoneLeft(Duration.ofSeconds(20));
  }

  @Test
  void aTimeoutTooLargeForNanosecondsMeansNoLimit() {
    ThreadLeakCheck.start().assertNoneLeft(Duration.ofSeconds(Long.MAX_VALUE));
  }

  @Test
  void badArgumentsAreRefusedNamingTheParameter() {
    ThreadLeakCheck check = ThreadLeakCheck.start();
    NullPointerException nullTimeout = assertThrows(NullPointerException.class, () -> check.assertNoneLeft(null));
    assertEquals("timeout must not be null", nullTimeout.getMessage());
    IllegalArgumentException negative =
        assertThrows(IllegalArgumentException.class, () -> check.assertNoneLeft(Duration.ofMillis(-1)));
    assertEquals("timeout must be >= 0, was PT-0.001S", negative.getMessage());
    NullPointerException nullFilter = assertThrows(NullPointerException.class, () -> check.ignoring(null));
    assertEquals("thread must not be null", nullFilter.getMessage());
  }
}
