// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A job engine's execution pool over an AsyncExecutor (an ExecutorService that never shuts the executor down), and
 * how an execution of it runs an intent's attempt.
 */
class ExecutionPoolTest {
  @AfterEach
  void unregister() {
    IntentHandlers.unregister("inPool");
  }

  /** Runs {@code intent}'s attempt from an execution of {@code executor}'s pool; what it threw, or null. */
  private static Throwable attemptFromThePool(AsyncExecutor executor, Intent intent) throws Exception {
    CompletableFuture<Throwable> outcome = new CompletableFuture<>();
    IntentExecutors.executionPool(executor).execute(() -> {
      try {
        IntentExecutors.runAttemptInPool(executor, intent);
        outcome.complete(null);
      } catch (Throwable e) {
        outcome.complete(e);
      }
    });
    return outcome.get(20, TimeUnit.SECONDS);
  }

  @Test
  void anAttemptWithoutLaneOrTimeoutRunsInPlaceOnTheExecutionsThread() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.builder().maxWorkers(1).build()) {
      List<Thread> threads = new CopyOnWriteArrayList<>();
      IntentHandlers.register("inPool", intent -> threads.add(Thread.currentThread()));
      assertNull(attemptFromThePool(executor, Intent.named("inPool").build()));
      assertEquals(1, threads.size());
      assertEquals(1, executor.stats().submitted(), "the execution's own task, nothing handed on");
    }
  }

  @Test
  void anAttemptInALaneRunsAsATaskOfItsOwnToWhichTheExecutionLendsItsOnlySlot() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.builder().maxWorkers(1).lane("mail", 1).build()) {
      List<String> ran = new CopyOnWriteArrayList<>();
      IntentHandlers.register("inPool", intent -> ran.add("ran"));
      assertNull(attemptFromThePool(executor, Intent.named("inPool").option(Intent.QUEUE, "mail").build()));
      assertEquals(List.of("ran"), ran);
      assertEquals(3, executor.stats().submitted(), "the execution, the runBlocking that waits, the attempt in its lane");
    }
  }

  @Test
  void anAttemptFailsWithTheHandlersOwnExceptionOrItsTimeout() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.builder().maxWorkers(2).build()) {
      IntentHandlers.register("inPool", intent -> {
        if (intent.arg(0).equals("fail")) throw new IOException("smtp down");
        Thread.sleep(30_000);
      });
      Throwable failed = attemptFromThePool(executor, Intent.named("inPool").args("fail").build());
      assertInstanceOf(IOException.class, failed);
      Throwable late = attemptFromThePool(executor,
          Intent.named("inPool").args("sleep").option(Intent.TIMEOUT, Duration.ofMillis(50)).build());
      assertInstanceOf(TimeoutException.class, late);
    }
  }

  @Test
  void shutdownWaitsForTheExecutionsItStartedAndLeavesTheExecutorRunning() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.create(2)) {
      ExecutorService pool = IntentExecutors.executionPool(executor);
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      pool.execute(() -> {
        started.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertTrue(started.await(10, TimeUnit.SECONDS));
      pool.shutdown();
      assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
      assertFalse(pool.awaitTermination(20, TimeUnit.MILLISECONDS), "an execution still runs");
      release.countDown();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
      assertTrue(pool.isTerminated());
      assertTrue(executor.isRunning(), "the application's executor is not shut down with the pool");
    }
  }

  @Test
  void shutdownNowInterruptsTheRunningExecutions() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.create(2)) {
      ExecutorService pool = IntentExecutors.executionPool(executor);
      CountDownLatch interrupted = new CountDownLatch(1);
      CountDownLatch started = new CountDownLatch(1);
      pool.execute(() -> {
        started.countDown();
        try {
          Thread.sleep(60_000);
        } catch (InterruptedException e) {
          interrupted.countDown();
        }
      });
      assertTrue(started.await(10, TimeUnit.SECONDS));
      pool.shutdownNow();
      assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the execution was interrupted");
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void anExecutorThatRefusesWorkMakesTheExecutionRejectedAsAnExecutorServiceWould() {
    AsyncExecutor executor = AsyncExecutor.create(1);
    executor.close();
    RejectedExecutionException e = assertThrows(RejectedExecutionException.class,
        () -> IntentExecutors.executionPool(executor).execute(() -> { }));
    assertTrue(e.getMessage().contains("refused"), e.getMessage());
  }
}
