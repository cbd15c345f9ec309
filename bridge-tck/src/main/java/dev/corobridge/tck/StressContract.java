package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.AsyncSemaphore;
import dev.corobridge.ExecutorStats;
import dev.corobridge.OutOfResourcesException;
import dev.corobridge.RetryPolicy;
import dev.corobridge.TaskOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Nothing accepted is ever lost: a large random mix of outcomes on a small executor, after which every
 * future has completed exactly once, the counters balance, permits are all back and no thread the
 * executor made is alive. A bounded runtime that refuses work with {@link OutOfResourcesException} is
 * waited on and asked again, as a caller would; refused calls are not counted as submitted.
 */
public abstract class StressContract extends ContractSupport {
  @Test
  void aRandomMixOfOutcomesLosesNothing() {
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(8).lane("lane", 3).onUncaughtError(e -> { }));
    AsyncSemaphore semaphore = AsyncSemaphore.create(5);
    SplittableRandom random = new SplittableRandom(42);
    int n = runtime().stressTasks();
    AtomicInteger completions = new AtomicInteger();
    AtomicInteger doubleCompletions = new AtomicInteger();
    List<CompletableFuture<?>> futures = new ArrayList<>(n);
    TaskOptions retrying = TaskOptions.builder().retry(RetryPolicy.exponential(2, Duration.ZERO)).semaphore(semaphore).build();
    TaskOptions timed = TaskOptions.builder().timeout(Duration.ofMillis(1)).lane("lane").build();
    int oldestUnfinished = 0;
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(8);
      int delay = random.nextInt(2);
      CompletableFuture<?> f;
      while (true) {
        try {
          f = submitOne(executor, kind, delay, retrying, timed);
          break;
        } catch (OutOfResourcesException full) {
          // A bounded runtime's queue is full: back off until the oldest unfinished task is done, as a caller would.
          while (futures.get(oldestUnfinished).isDone()) oldestUnfinished++;
          Await.done(futures.get(oldestUnfinished));
        }
      }
      if (random.nextInt(10) == 0) f.cancel(random.nextBoolean());
      f.whenComplete((v, e) -> {
        if (completions.incrementAndGet() > n) doubleCompletions.incrementAndGet();
      });
      futures.add(f);
    }
    futures.forEach(Await::done);
    executor.close();
    assertEquals(n, completions.get(), "every future completed");
    assertEquals(0, doubleCompletions.get(), "no future completed twice");
    ExecutorStats stats = assertBalanced(executor);
    assertEquals(n, stats.submitted());
    assertTrue(stats.retried() > 0);
    assertEquals(5, semaphore.availablePermits(), "every semaphore permit is back");
    assertNoThreadLeft();
  }

  private static CompletableFuture<?> submitOne(AsyncExecutor executor, int kind, int delay, TaskOptions retrying, TaskOptions timed) {
    return switch (kind) {
      case 0 -> executor.submit(() -> CompletableFuture.completedFuture(1));
      case 1 -> executor.submit(() -> CompletableFuture.failedFuture(new IOException("fail")));
      case 2 -> executor.submit(CompletableFuture::new, timed);
      case 3 -> {
        AtomicInteger attempts = new AtomicInteger();
        yield executor.submit(() -> attempts.incrementAndGet() < 2
            ? CompletableFuture.failedFuture(new IOException("retry"))
            : CompletableFuture.completedFuture(2), retrying);
      }
      case 4 -> executor.submitBlocking(() -> 3);
      case 5 -> executor.spawn(() -> CompletableFuture.supplyAsync(() -> {
        throw new IllegalStateException("spawned");
      }));
      default -> executor.submit(() -> CompletableFuture.supplyAsync(() -> 4, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)));
    };
  }
}
