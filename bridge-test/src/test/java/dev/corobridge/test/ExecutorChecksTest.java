// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.ExecutorStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class ExecutorChecksTest {
  @Test
  void returnsTheStatsOnceEveryTaskOfARandomMixIsCounted() {
    try (AsyncExecutor executor = AsyncExecutor.builder().name("balanced").maxWorkers(4).build()) {
      List<CompletableFuture<Integer>> tasks = new ArrayList<>();
      int failing = 0;
      int cancelled = 0;
      for (int i = 0; i < 300; i++) {
        int kind = ThreadLocalRandom.current().nextInt(3);
        CompletableFuture<Integer> task = executor.submitBlocking(() -> {
          if (kind == 1) throw new IllegalStateException("boom");
          if (kind == 2) Thread.sleep(1);
          return kind;
        });
        if (kind == 1) failing++;
        if (kind == 2 && task.cancel(true)) cancelled++;
        tasks.add(task);
      }
      CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).handle((v, e) -> null).join();
      ExecutorStats stats = ExecutorChecks.awaitBalanced(executor, Duration.ofSeconds(20));
      assertEquals(300, stats.submitted());
      assertEquals(failing, stats.failed());
      assertEquals(cancelled, stats.cancelled());
      assertEquals(300 - failing - cancelled, stats.succeeded());
    }
  }

  @Test
  void failsWithTheStatsWhileATaskStillRunsAndPassesOnceItEnded() {
    try (AsyncExecutor executor = AsyncExecutor.builder().name("busy").maxWorkers(1).build()) {
      CompletableFuture<String> gate = new CompletableFuture<>();
      CompletableFuture<String> running = executor.submit(() -> gate);
      CompletableFuture<String> queued = executor.submit(() -> gate);
      AssertionError e = assertThrows(AssertionError.class,
          () -> ExecutorChecks.awaitBalanced(executor, Duration.ofMillis(50)));
      assertTrue(e.getMessage().contains("submitted=2") && e.getMessage().contains("succeeded=0"), e.getMessage());
      gate.complete("done");
      running.join();
      queued.join();
      ExecutorStats stats = ExecutorChecks.awaitBalanced(executor, Duration.ofSeconds(20));
      assertEquals(2, stats.succeeded());
    }
  }

  @Test
  void aTimeoutTooLargeForNanosecondsMeansNoLimit() {
    try (AsyncExecutor executor = AsyncExecutor.builder().name("idle").build()) {
      assertEquals(0, ExecutorChecks.awaitBalanced(executor, Duration.ofSeconds(Long.MAX_VALUE)).submitted());
    }
  }

  @Test
  void badArgumentsAreRefusedNamingTheParameter() {
    try (AsyncExecutor executor = AsyncExecutor.builder().name("idle").build()) {
      NullPointerException noExecutor = assertThrows(NullPointerException.class,
          () -> ExecutorChecks.awaitBalanced(null, Duration.ZERO));
      assertEquals("executor must not be null", noExecutor.getMessage());
      NullPointerException noTimeout = assertThrows(NullPointerException.class,
          () -> ExecutorChecks.awaitBalanced(executor, null));
      assertEquals("timeout must not be null", noTimeout.getMessage());
      IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
          () -> ExecutorChecks.awaitBalanced(executor, Duration.ofSeconds(-1)));
      assertEquals("timeout must be >= 0, was PT-1S", negative.getMessage());
    }
  }
}
