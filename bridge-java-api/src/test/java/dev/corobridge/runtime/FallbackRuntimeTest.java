// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.OutOfResourcesException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fallback runtime's own promises, beyond the TCK it passes: its bound of 32 tasks in flight, its
 * bounded queue, and that places are freed by finishing, not counted over a lifetime. This module has
 * no engine on its class path, so {@code AsyncExecutor.create} is the fallback here.
 */
class FallbackRuntimeTest {
  private final List<AsyncExecutor> executors = new ArrayList<>();

  private AsyncExecutor track(AsyncExecutor executor) {
    executors.add(executor);
    return executor;
  }

  @AfterEach
  void shutDown() throws Exception {
    for (AsyncExecutor executor : executors) {
      executor.shutdown(false, true);
      executor.termination().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void withoutAnEngineOnTheClassPathCreateReturnsTheFallback() {
    AsyncExecutor executor = track(AsyncExecutor.create(4));
    assertTrue(executor.toString().contains("runtime=fallback"), executor.toString());
    assertEquals(42, executor.submit(() -> CompletableFuture.completedFuture(42)).join());
  }

  @Test
  void theBuildersDefaultWorkersAreCappedAtTheFallbacksBound() {
    AsyncExecutor executor = track(AsyncExecutor.builder().name("defaults").build());
    assertTrue(executor.toString().contains("workers in use=0/32"), executor.toString());
  }

  @Test
  void askingForMoreThan32WorkersFailsNamingTheBound() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AsyncExecutor.create(33));
    assertTrue(e.getMessage().contains("maxWorkers") && e.getMessage().contains("32"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new FallbackRuntime(0));
  }

  @Test
  void neverRunsA33rdTaskAtOnce() {
    AsyncExecutor executor = track(AsyncExecutor.create(FallbackRuntime.MAX_WORKERS));
    AtomicInteger now = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    List<CompletableFuture<?>> futures = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      if (i % 2 == 0) {
        futures.add(executor.submitBlocking(() -> {
          max.accumulateAndGet(now.incrementAndGet(), Math::max);
          try {
            Thread.sleep(2);
          } finally {
            now.decrementAndGet();
          }
          return null;
        }));
      } else {
        futures.add(executor.submit(() -> {
          max.accumulateAndGet(now.incrementAndGet(), Math::max);
          return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS))
              .whenComplete((v, e) -> now.decrementAndGet());
        }));
      }
    }
    futures.forEach(CompletableFuture::join);
    assertTrue(max.get() <= 32, "at most 32 at once, saw " + max.get());
    assertEquals(32, max.get(), "the bound is reached");
  }

  @Test
  void refusesWorkPastItsQueueWithOutOfResourcesException() {
    AsyncExecutor executor = track(new FallbackRuntime(3).create(AsyncExecutor.builder().name("small").maxWorkers(2).toConfig()));
    CompletableFuture<Void> gate = new CompletableFuture<>();
    List<CompletableFuture<Void>> accepted = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      accepted.add(executor.submit(() -> gate)); // 2 running, 3 waiting
    }
    OutOfResourcesException refused = assertThrows(OutOfResourcesException.class, () -> executor.submit(() -> gate));
    assertInstanceOf(RejectedExecutionException.class, refused);
    assertTrue(refused.getMessage().contains("queue of 3"), refused.getMessage());
    assertThrows(OutOfResourcesException.class, () -> executor.submitBlocking(() -> 1));
    assertEquals(5, executor.stats().submitted(), "refused tasks are not accepted");
    gate.complete(null);
    accepted.forEach(CompletableFuture::join);
  }

  @Test
  void aFinishingTaskFreesItsPlaceTheMomentItFinishes() {
    AsyncExecutor executor = track(new FallbackRuntime(1).create(AsyncExecutor.builder().name("tiny").maxWorkers(1).toConfig()));
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<String> running = executor.submit(() -> first);
    CompletableFuture<String> waiting = executor.submit(() -> new CompletableFuture<>());
    assertThrows(OutOfResourcesException.class, () -> executor.submit(() -> first));
    first.complete("done");
    assertEquals("done", running.join());
    // The waiting task took the worker as the first finished, so the queue has room again at once.
    CompletableFuture<String> next = executor.submit(() -> CompletableFuture.completedFuture("room"));
    waiting.cancel(true);
    assertEquals("room", next.join());
  }

  @Test
  void theBoundIsOnTasksAtOnceNotOnTasksOverALifetime() {
    AsyncExecutor executor = track(new FallbackRuntime(1).create(AsyncExecutor.builder().name("lifetime").maxWorkers(1).toConfig()));
    for (int i = 0; i < 5_000; i++) {
      int n = i;
      assertEquals(n, executor.submit(() -> CompletableFuture.completedFuture(n)).join());
    }
    executor.close(); // counters settle as each task leaves, just after its future completes
    assertEquals(5_000, executor.stats().succeeded());
  }

  @Test
  void toStringShowsNameRuntimeWorkersInUseAndQueueLength() {
    AsyncExecutor executor = track(new FallbackRuntime(10).create(AsyncExecutor.builder().name("status").maxWorkers(1).toConfig()));
    CompletableFuture<Void> gate = new CompletableFuture<>();
    executor.submit(() -> gate);
    executor.submit(() -> gate);
    assertEquals("AsyncExecutor[status, runtime=fallback, running, workers in use=1/1, queued=1/10]", executor.toString());
    gate.complete(null);
    executor.close();
    assertTrue(executor.toString().contains("terminated"), executor.toString());
  }
}
