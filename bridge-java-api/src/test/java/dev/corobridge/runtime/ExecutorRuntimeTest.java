// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.OutOfResourcesException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the adapter promises beyond the TCK it passes: the caller's executor runs the work and stays the caller's. */
class ExecutorRuntimeTest {
  @Test
  void taskBodiesRunOnTheCallersExecutor() {
    ExecutorService pool = Executors.newSingleThreadExecutor(task -> new Thread(task, "mine"));
    try (AsyncExecutor executor = new ExecutorRuntime(pool).create(AsyncExecutor.builder().name("adapted").maxWorkers(2).toConfig())) {
      assertEquals("mine", executor.submitBlocking(() -> Thread.currentThread().getName()).join());
      assertEquals("mine", executor.submit(() -> CompletableFuture.completedFuture(Thread.currentThread().getName())).join());
      assertTrue(executor.toString().contains("runtime=executor("), executor.toString());
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void tasksTheCallersPoolDroppedAtShutdownNowFailAndCloseReturns() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(1, task -> new Thread(task, "callers-only-thread"));
    AsyncExecutor executor = new ExecutorRuntime(pool).create(AsyncExecutor.builder().name("over-a-dying-pool").maxWorkers(4).toConfig());
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    CompletableFuture<String> occupying = executor.submitBlocking(() -> {
      started.countDown();
      new java.util.concurrent.CountDownLatch(1).await(); // until interrupted by shutdownNow
      return "never";
    });
    started.await();
    java.util.List<CompletableFuture<Integer>> queuedInThePool = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      queuedInThePool.add(executor.submitBlocking(() -> n)); // a slot each, but the pool's only thread is busy
    }
    assertEquals(3, pool.shutdownNow().size(), "the pool dropped the three tasks it had queued");
    assertTrue(pool.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));
    CompletableFuture<Void> closed = CompletableFuture.runAsync(executor::close);
    closed.get(10, java.util.concurrent.TimeUnit.SECONDS); // no hang
    for (CompletableFuture<Integer> dropped : queuedInThePool) {
      assertInstanceOf(OutOfResourcesException.class, assertThrows(CompletionException.class, dropped::join).getCause());
    }
    assertTrue(occupying.isCompletedExceptionally(), "interrupted by shutdownNow");
    assertTrue(executor.isTerminated());
  }

  @Test
  void shuttingTheAsyncExecutorDownLeavesTheCallersExecutorRunning() {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      AsyncExecutor executor = new ExecutorRuntime(pool).create(AsyncExecutor.builder().maxWorkers(2).toConfig());
      executor.close();
      assertTrue(executor.isTerminated());
      assertFalse(pool.isShutdown());
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aTaskTheCallersExecutorRefusesFailsWithOutOfResourcesAndGivesItsSlotBack() {
    RejectedExecutionException refusal = new RejectedExecutionException("pool saturated");
    AtomicInteger calls = new AtomicInteger();
    Executor refusesTheFirstTask = task -> {
      if (calls.incrementAndGet() == 1) throw refusal;
      task.run();
    };
    try (AsyncExecutor executor = new ExecutorRuntime(refusesTheFirstTask).create(AsyncExecutor.builder().name("refusing").maxWorkers(1).toConfig())) {
      CompletableFuture<Integer> refused = executor.submitBlocking(() -> 1);
      OutOfResourcesException failure = assertInstanceOf(OutOfResourcesException.class, assertThrows(CompletionException.class, refused::join).getCause());
      assertSame(refusal, failure.getCause());
      assertEquals(7, executor.submit(() -> CompletableFuture.completedFuture(7)).join(), "the only worker slot came back");
      executor.close();
      assertEquals(1, executor.stats().failed());
    }
  }
}
