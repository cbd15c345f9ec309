// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AsyncSemaphoreTest {

  @Test
  void waitersAreServedInTheOrderTheyAsked() {
    AsyncSemaphore semaphore = AsyncSemaphore.create(1);
    assertTrue(semaphore.tryAcquire());
    List<CompletableFuture<Void>> waiters = new ArrayList<>();
    for (int i = 0; i < 5; i++) waiters.add(semaphore.acquire());
    for (int i = 0; i < 5; i++) {
      assertFalse(waiters.get(i).isDone());
      semaphore.release();
      assertTrue(waiters.get(i).isDone(), "waiter " + i + " is next");
      for (int j = i + 1; j < 5; j++) assertFalse(waiters.get(j).isDone());
    }
    semaphore.release();
    assertEquals(1, semaphore.availablePermits());
  }

  @Test
  void aWithdrawnRequestPassesItsPermitToTheNextWaiter() {
    AsyncSemaphore semaphore = AsyncSemaphore.create(1);
    assertTrue(semaphore.tryAcquire());
    CompletableFuture<Void> withdrawn = semaphore.acquire();
    CompletableFuture<Void> next = semaphore.acquire();
    withdrawn.cancel(false);
    semaphore.release();
    assertTrue(next.isDone());
    assertEquals(0, semaphore.availablePermits());
    semaphore.release();
    assertEquals(1, semaphore.availablePermits());
  }

  @Test
  void tryAcquireDoesNotJumpTheQueue() {
    AsyncSemaphore semaphore = AsyncSemaphore.create(1);
    assertTrue(semaphore.tryAcquire());
    CompletableFuture<Void> waiter = semaphore.acquire();
    assertFalse(semaphore.tryAcquire());
    semaphore.release();
    assertTrue(waiter.isDone());
    assertFalse(semaphore.tryAcquire());
  }

  @Test
  void releasingMoreThanWasTakenIsRefused() {
    AsyncSemaphore semaphore = AsyncSemaphore.create(2);
    IllegalStateException e = assertThrows(IllegalStateException.class, semaphore::release);
    assertTrue(e.getMessage().contains("2"));
    assertEquals(2, semaphore.availablePermits());
  }

  @Test
  void underContentionWithWithdrawalsNoPermitIsLostOrDuplicated() throws Exception {
    int permits = 3;
    AsyncSemaphore semaphore = AsyncSemaphore.create(permits);
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger maxHolders = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> runs = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int seed = t;
      runs.add(threads.submit(() -> {
        SplittableRandom random = new SplittableRandom(seed);
        start.await();
        for (int i = 0; i < 20_000; i++) {
          CompletableFuture<Void> request = semaphore.acquire();
          if (random.nextInt(4) == 0 && request.cancel(false)) continue; // withdrawn before granted
          request.get(10, TimeUnit.SECONDS);
          maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
          holders.decrementAndGet();
          semaphore.release();
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> run : runs) run.get(60, TimeUnit.SECONDS);
    threads.shutdown();
    assertTrue(maxHolders.get() <= permits, "never more than " + permits + " holders, saw " + maxHolders.get());
    assertEquals(permits, semaphore.availablePermits(), "every permit is back");
  }
}
