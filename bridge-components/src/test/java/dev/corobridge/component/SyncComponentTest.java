// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SyncComponentTest {

  @Test
  void applySyncNeverRunsOnTheCallersThread() {
    try (AsyncExecutor executor = AsyncExecutor.create(2)) {
      SyncComponent<String, Thread> where = SyncComponent.of("where", input -> Thread.currentThread());
      assertNotEquals(Thread.currentThread(), where.applyOn(executor, "x").join());
      assertNotEquals(Thread.currentThread(), where.apply("x").toCompletableFuture().join(), "on the default executor too");
    }
  }

  @Test
  void applySyncRunsWithinTheExecutorsLimits() {
    try (AsyncExecutor executor = AsyncExecutor.create(2)) {
      AtomicInteger now = new AtomicInteger();
      AtomicInteger max = new AtomicInteger();
      SyncComponent<Integer, Integer> slow = SyncComponent.of("slow", input -> {
        max.accumulateAndGet(now.incrementAndGet(), Math::max);
        try {
          Thread.sleep(2);
        } finally {
          now.decrementAndGet();
        }
        return input;
      });
      List<CompletableFuture<Integer>> runs = new ArrayList<>();
      for (int i = 0; i < 30; i++) runs.add(slow.applyOn(executor, i));
      runs.forEach(CompletableFuture::join);
      assertEquals(2, max.get(), "maxWorkers 2: never more, and reached");
    }
  }

  @Test
  void itsExceptionAndCancellationReachTheCaller() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.create(1)) {
      IOException failure = new IOException("db down");
      SyncComponent<String, String> failing = SyncComponent.of("failing", input -> {
        throw failure;
      });
      assertSame(failure, assertThrows(CompletionException.class, () -> failing.applyOn(executor, "x").join()).getCause());
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch interrupted = new CountDownLatch(1);
      SyncComponent<String, String> hanging = SyncComponent.of("hanging", input -> {
        started.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          interrupted.countDown();
        }
        return "stopped";
      });
      CompletableFuture<String> run = hanging.applyOn(executor, "x");
      assertTrue(started.await(20, TimeUnit.SECONDS));
      run.cancel(true);
      assertTrue(interrupted.await(20, TimeUnit.SECONDS), "cancelling the future interrupts applySync");
    }
  }

  @Test
  void anAsyncComponentHasASyncViewThatKeepsItsException() {
    try (AsyncExecutor executor = AsyncExecutor.create(2)) {
      IllegalStateException failure = new IllegalStateException("remote said no");
      AsyncComponent<String, String> remote = input -> input.isEmpty()
          ? CompletableFuture.failedFuture(failure) : CompletableFuture.completedFuture(input.toUpperCase());
      SyncComponent<String, String> sync = SyncComponent.from(remote);
      assertEquals("ABC", sync.applyOn(executor, "abc").join());
      assertSame(failure, assertThrows(CompletionException.class, () -> sync.applyOn(executor, "").join()).getCause());
    }
  }
}
