// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** db-scheduler's execution pool over an AsyncExecutor: an ExecutorService that never shuts the executor down. */
class ExecutionsOnAsyncExecutorTest {
  @Test
  void shutdownWaitsForTheExecutionsItStartedAndLeavesTheExecutorRunning() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.create(2)) {
      ExecutionsOnAsyncExecutor pool = new ExecutionsOnAsyncExecutor(executor);
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
      ExecutionsOnAsyncExecutor pool = new ExecutionsOnAsyncExecutor(executor);
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
        () -> new ExecutionsOnAsyncExecutor(executor).execute(() -> { }));
    assertTrue(e.getMessage().contains("refused"), e.getMessage());
  }
}
