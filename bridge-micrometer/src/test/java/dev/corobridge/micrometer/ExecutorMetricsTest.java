// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.AsyncSemaphore;
import dev.corobridge.ExecutorStats;
import dev.corobridge.RetryPolicy;
import dev.corobridge.TaskOptions;
import dev.corobridge.runtime.FallbackRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The executor's meters in a {@link SimpleMeterRegistry}, agreeing with its stats, on the engine and the fallback. */
class ExecutorMetricsTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();

  private static void until(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("not within 20 s: " + what);
      Thread.sleep(5);
    }
  }

  private double counter(String name, String... tags) {
    return registry.get(name).tags(tags).functionCounter().count();
  }

  private void runAMix(AsyncExecutor executor) throws Exception {
    List<CompletableFuture<?>> futures = new ArrayList<>();
    TaskOptions lane = TaskOptions.builder().lane("images").build();
    for (int i = 0; i < 20; i++) futures.add(executor.submitBlocking(() -> 1, lane));
    int[] attempts = {0};
    futures.add(executor.submitBlocking(() -> {
      if (++attempts[0] < 3) throw new IOException("flaky");
      return 2;
    }, TaskOptions.builder().retry(RetryPolicy.exponential(2, Duration.ofMillis(1))).build()));
    futures.add(executor.submit(() -> CompletableFuture.failedFuture(new IOException("no"))));
    futures.add(executor.submit(CompletableFuture::new, TaskOptions.builder().timeout(Duration.ofMillis(10)).build()));
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<Object> cancelled = executor.submitBlocking(() -> {
      started.countDown();
      return new CountDownLatch(1).await(1, TimeUnit.MINUTES);
    });
    assertTrue(started.await(20, TimeUnit.SECONDS));
    cancelled.cancel(true);
    futures.add(cancelled);
    futures.add(executor.map(x -> CompletableFuture.completedFuture(x), IntStream.range(0, 10).boxed().toList()));
    for (CompletableFuture<?> future : futures) future.handle((v, e) -> null).get(20, TimeUnit.SECONDS);
  }

  private void assertMetersAgreeWithStats(AsyncExecutor executor, boolean everyTaskTimed) throws InterruptedException {
    until(() -> {
      ExecutorStats stats = executor.stats();
      return stats.running() == 0 && stats.queued() == 0 && (!everyTaskTimed || registry.get("executor").timer().count() == stats.submitted());
    }, "every task ended" + (everyTaskTimed ? " and timed: " : ": ") + executor.stats());
    ExecutorStats stats = executor.stats();
    assertEquals(stats.succeeded(), counter("executor.tasks", "outcome", "succeeded"));
    assertEquals(stats.failed(), counter("executor.tasks", "outcome", "failed"), "failures, the timeout included");
    assertTrue(stats.failed() >= 2, "the failing task and the timed-out one: " + stats);
    assertEquals(stats.cancelled(), counter("executor.tasks", "outcome", "cancelled"));
    assertEquals(stats.retried(), counter("executor.retries"));
    assertEquals(stats.succeeded() + stats.failed() + stats.cancelled(), registry.get("executor.completed").functionCounter().count());
    assertEquals(0, registry.get("executor.active").gauge().value());
    assertEquals(0, registry.get("executor.queued").gauge().value());
    assertEquals(0, registry.get("executor.lane.active").tag("lane", "images").gauge().value(), "every permit of the lane back");
    assertEquals(0, registry.get("executor.lane.queued").tag("lane", "images").gauge().value(), "nobody waits for the lane");
    long idle = registry.get("executor.idle").timer().count();
    long run = registry.get("executor").timer().count();
    if (everyTaskTimed) {
      assertEquals(stats.submitted(), idle, "every task started once");
      assertEquals(stats.submitted(), run, "every task that started ran to an end");
    } else {
      assertTrue(idle >= 1 && idle <= stats.submitted() && run >= 1 && run <= stats.submitted(), "a sample timed: " + idle + ", " + run);
    }
  }

  @Test
  void theEnginesMetersAgreeWithItsStatsAndCarryItsNameAndTheTagsGiven() throws Exception {
    try (AsyncExecutor executor = ExecutorMetrics.monitor(registry,
        AsyncExecutor.builder().name("crawler").maxWorkers(4).lane("images", 2), Tags.of("app", "shop"))) {
      runAMix(executor);
      assertMetersAgreeWithStats(executor, false);
      assertEquals("crawler", registry.get("executor.active").gauge().getId().getTag("name"));
      assertEquals("shop", registry.get("executor").timer().getId().getTag("app"));
    }
  }

  @Test
  void theFallbacksMetersAgreeWithItsStatsWhenBuiltInThreeSteps() throws Exception {
    ExecutorMetrics metrics = ExecutorMetrics.of(Tags.empty(), Integer.MAX_VALUE);
    try (AsyncExecutor executor = new FallbackRuntime().create(
        AsyncExecutor.builder().name("fallback").maxWorkers(4).lane("images", 2).listener(metrics.listener()).toConfig())) {
      metrics.forExecutor(executor).bindTo(registry);
      runAMix(executor);
      assertMetersAgreeWithStats(executor, true);
    }
  }

  @Test
  void underABurstTheCountersCountEveryTaskAndTheTimersTimeASample() throws Exception {
    try (AsyncExecutor executor = ExecutorMetrics.monitor(registry, AsyncExecutor.builder().maxWorkers(4), Tags.empty())) {
      int items = 50_000;
      executor.map(CompletableFuture::completedFuture, IntStream.range(0, items).boxed().toList()).get(20, TimeUnit.SECONDS);
      until(() -> executor.stats().running() == 0, "the batch ended");
      assertEquals(items, counter("executor.tasks", "outcome", "succeeded"), "exact counts");
      long timed = registry.get("executor").timer().count();
      assertTrue(timed >= 1 && timed < items / 10, "a sample of a burst far faster than 1000 tasks a second: " + timed);
    }
  }

  @Test
  void theGaugesShowTasksRunningAndWaiting() throws Exception {
    try (AsyncExecutor executor = ExecutorMetrics.monitor(registry, AsyncExecutor.builder().maxWorkers(1).lane("one", 1), Tags.empty())) {
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch running = new CountDownLatch(1);
      TaskOptions lane = TaskOptions.builder().lane("one").build();
      CompletableFuture<Object> first = executor.submitBlocking(() -> {
        running.countDown();
        return release.await(20, TimeUnit.SECONDS);
      }, lane);
      CompletableFuture<Integer> second = executor.submitBlocking(() -> 2, lane);
      assertTrue(running.await(20, TimeUnit.SECONDS));
      assertEquals(1, registry.get("executor.active").gauge().value());
      assertEquals(1, registry.get("executor.queued").gauge().value());
      assertEquals(1, registry.get("executor.lane.active").tag("lane", "one").gauge().value());
      until(() -> registry.get("executor.lane.queued").tag("lane", "one").gauge().value() == 1, "the second task waits for the lane");
      release.countDown();
      first.get(20, TimeUnit.SECONDS);
      second.get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aSharedSemaphoresGaugesShowPermitsFreeAndRequestsWaiting() throws Exception {
    AsyncSemaphore limit = AsyncSemaphore.create(1);
    SemaphoreMetrics.of("pricing-api", limit, Tags.of("app", "shop")).bindTo(registry);
    try (AsyncExecutor executor = AsyncExecutor.builder().maxWorkers(4).build()) {
      TaskOptions limited = TaskOptions.builder().semaphore(limit).build();
      CountDownLatch release = new CountDownLatch(1);
      CountDownLatch running = new CountDownLatch(1);
      CompletableFuture<Object> first = executor.submitBlocking(() -> {
        running.countDown();
        return release.await(20, TimeUnit.SECONDS);
      }, limited);
      CompletableFuture<Integer> second = executor.submitBlocking(() -> 2, limited);
      assertTrue(running.await(20, TimeUnit.SECONDS));
      assertEquals(0, registry.get("executor.semaphore.available").tag("semaphore", "pricing-api").gauge().value());
      until(() -> registry.get("executor.semaphore.queued").tag("semaphore", "pricing-api").gauge().value() == 1, "the second task waits");
      assertEquals("shop", registry.get("executor.semaphore.queued").gauge().getId().getTag("app"));
      release.countDown();
      first.get(20, TimeUnit.SECONDS);
      second.get(20, TimeUnit.SECONDS);
      until(() -> registry.get("executor.semaphore.available").gauge().value() == 1, "the permit back");
      assertEquals(0, registry.get("executor.semaphore.queued").gauge().value());
    }
    assertThrows(NullPointerException.class, () -> SemaphoreMetrics.of(null, limit, Tags.empty()));
  }

  @Test
  void badInputIsRefusedNamingWhatIsWrong() {
    assertEquals("registry", assertThrows(NullPointerException.class, () -> ExecutorMetrics.monitor(null, AsyncExecutor.builder(), Tags.empty())).getMessage());
    assertEquals("tags", assertThrows(NullPointerException.class, () -> ExecutorMetrics.of(null)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ExecutorMetrics.of(Tags.empty(), 0)).getMessage().contains("timedTasksPerSecond"));
    IllegalStateException unbound = assertThrows(IllegalStateException.class, () -> ExecutorMetrics.of(Tags.empty()).bindTo(registry));
    assertTrue(unbound.getMessage().contains("forExecutor"), unbound.getMessage());
    try (AsyncExecutor executor = AsyncExecutor.builder().build()) {
      ExecutorMetrics metrics = ExecutorMetrics.of(Tags.empty()).forExecutor(executor);
      assertThrows(IllegalStateException.class, () -> metrics.forExecutor(executor));
    }
  }
}
