// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.NotSupportedException;
import dev.corobridge.RetryPolicy;
import dev.corobridge.ScopeOptions;
import dev.corobridge.TaskOptions;
import dev.corobridge.TaskScope;
import dev.corobridge.WaitResult;
import dev.corobridge.WaitStrategy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ManualExecutorTest {
  private final ManualExecutor executor = ManualExecutor.create(2);

  @Test
  void virtualTimeTooLargeToCountSaturatesInsteadOfOverflowing() {
    Duration tooLong = Duration.ofSeconds(Long.MAX_VALUE);
    CompletableFuture<Void> never = executor.delay(tooLong);
    executor.advanceTimeBy(Duration.ofDays(1));
    assertFalse(never.isDone());
    executor.advanceTimeBy(tooLong);
    assertTrue(never.isDone(), "a delay as long as the clock can count ends when the clock can count no further");
    assertEquals(Duration.ofNanos(Long.MAX_VALUE), executor.currentTime());
  }

  @Test
  void nothingRunsUntilTheTestPolls() {
    List<String> ran = new ArrayList<>();
    CompletableFuture<String> future = executor.submit(() -> {
      ran.add("async");
      return CompletableFuture.completedFuture("a");
    });
    executor.submitBlocking(() -> ran.add("blocking"));
    assertEquals(List.of(), ran);
    assertFalse(future.isDone());
    assertTrue(executor.pollOnce());
    assertEquals(List.of("async", "blocking"), ran);
    assertEquals("a", future.join());
    assertFalse(executor.pollOnce(), "nothing left to run");
  }

  @Test
  void tasksRunOnTheThreadThatDrivesTheExecutor() {
    CompletableFuture<Thread> ran = executor.submitBlocking(Thread::currentThread);
    executor.runUntilIdle();
    assertSame(Thread.currentThread(), ran.join());
  }

  @Test
  void maxWorkersHoldsBackTasksUntilAPlaceIsFree() {
    CompletableFuture<String> gate = new CompletableFuture<>();
    List<Integer> started = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      executor.submit(() -> {
        started.add(n);
        return gate;
      });
    }
    executor.runUntilIdle();
    assertEquals(List.of(0, 1), started);
    gate.complete("open");
    executor.runUntilIdle();
    assertEquals(List.of(0, 1, 2), started);
  }

  @Test
  void aRetryWithBackOffRunsInVirtualTime() {
    List<Duration> attempts = new ArrayList<>();
    CompletableFuture<String> future = executor.submit(() -> {
      attempts.add(executor.currentTime());
      return attempts.size() < 4 ? CompletableFuture.failedFuture(new IOException("flaky")) : CompletableFuture.completedFuture("ok");
    }, TaskOptions.builder().retry(RetryPolicy.exponential(5, Duration.ofMinutes(1))).build());
    executor.runUntilIdle();
    assertEquals(1, attempts.size());
    executor.advanceTimeBy(Duration.ofSeconds(59));
    assertEquals(1, attempts.size(), "the first back-off is a minute");
    executor.advanceTimeBy(Duration.ofSeconds(1));
    assertEquals(2, attempts.size());
    executor.advanceTimeBy(Duration.ofMinutes(10));
    assertEquals(List.of(Duration.ZERO, Duration.ofMinutes(1), Duration.ofMinutes(3), Duration.ofMinutes(7)), attempts);
    assertEquals("ok", future.join());
    assertEquals(3, executor.stats().retried());
  }

  @Test
  void aTimeoutExpiresInVirtualTime() {
    CompletableFuture<Object> future = executor.submit(CompletableFuture::new, TaskOptions.builder().timeout(Duration.ofHours(1)).build());
    executor.advanceTimeBy(Duration.ofMinutes(59));
    assertFalse(future.isDone());
    executor.advanceTimeBy(Duration.ofMinutes(1));
    assertInstanceOf(TimeoutException.class, assertThrows(CompletionException.class, future::join).getCause());
  }

  @Test
  void delayIsAStageThatCompletesInVirtualTime() {
    CompletableFuture<String> future = executor.submit(() -> executor.delay(Duration.ofSeconds(30)).thenApply(v -> "slept"));
    executor.advanceTimeBy(Duration.ofSeconds(29));
    assertFalse(future.isDone());
    executor.advanceTimeBy(Duration.ofSeconds(1));
    assertEquals("slept", future.join());
  }

  @Test
  void waitForTimesOutInVirtualTime() {
    CompletableFuture<Integer> never = new CompletableFuture<>();
    CompletableFuture<WaitResult<Integer>> waited = executor.waitFor(List.of(never), WaitStrategy.ALL_COMPLETED, Duration.ofSeconds(5));
    executor.advanceTimeBy(Duration.ofSeconds(5));
    assertEquals(List.of(never), List.copyOf(waited.join().pending()));
  }

  @Test
  void runBlockingDrivesTheLoopAndMovesTheClockToTheNextTimer() {
    String value = executor.runBlocking(() -> executor.delay(Duration.ofDays(1)).thenApply(v -> "a day later"));
    assertEquals("a day later", value);
    assertEquals(Duration.ofDays(1), executor.currentTime());
  }

  @Test
  void runBlockingFromATaskIsNotSupported() {
    AtomicReference<Throwable> refused = new AtomicReference<>();
    executor.submit(() -> {
      try {
        executor.runBlocking(() -> CompletableFuture.completedFuture(1));
      } catch (NotSupportedException e) {
        refused.set(e);
      }
      return CompletableFuture.completedFuture(null);
    });
    executor.runUntilIdle();
    assertInstanceOf(IllegalStateException.class, refused.get(), "runBlocking's contract: IllegalStateException");
    assertTrue(refused.get().getMessage().contains("submit"), refused.get().getMessage());
  }

  @Test
  void closeRunsTheAcceptedWorkToTheEnd() {
    CompletableFuture<String> future = executor.submit(() -> executor.delay(Duration.ofSeconds(3)).thenApply(v -> "finished"));
    executor.close();
    assertEquals("finished", future.join());
    assertTrue(executor.isTerminated());
    assertTrue(executor.toString().contains("runtime=manual"), executor.toString());
  }

  @Test
  void aNegativeDurationIsRefusedNamingTheParameter() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> executor.advanceTimeBy(Duration.ofSeconds(-1)));
    assertTrue(e.getMessage().contains("duration"));
    assertThrows(IllegalArgumentException.class, () -> ManualExecutor.create(0));
  }
  @Test
  void aScopeDeadlinePassesInVirtualTime() {
    CompletableFuture<String> result = executor.scoped(ScopeOptions.builder().deadline(Duration.ofHours(1)).build(),
        scope -> scope.fork(() -> executor.delay(Duration.ofDays(1)).thenApply(v -> "too late")));
    executor.advanceTimeBy(Duration.ofMinutes(59));
    assertFalse(result.isDone(), "an hour has not passed yet");
    executor.advanceTimeBy(Duration.ofMinutes(2));
    assertTrue(result.isCompletedExceptionally());
    CompletionException failure = assertThrows(CompletionException.class, result::join);
    assertInstanceOf(TimeoutException.class, failure.getCause());
  }

  @Test
  void joiningAScopeFromTheTestThreadDrivesTheLoop() throws InterruptedException {
    CompletableFuture<String> child;
    try (TaskScope scope = executor.openScope()) {
      child = scope.fork(() -> executor.delay(Duration.ofDays(1)).thenApply(v -> "a day later"));
      scope.join();
    }
    assertEquals("a day later", child.join());
    assertEquals(Duration.ofDays(1), executor.currentTime());
  }

  @Test
  void aScopeJoinedInABlockingTaskRunsItsChildrenOnTheSameLoop() {
    ManualExecutor single = ManualExecutor.create(1);
    CompletableFuture<Integer> outer = single.submitBlocking(() -> {
      try (TaskScope scope = single.openScope()) {
        CompletableFuture<Integer> a = scope.forkBlocking(() -> 1);
        CompletableFuture<Integer> b = scope.fork(() -> single.delay(Duration.ofSeconds(5)).thenApply(v -> 2));
        scope.join();
        return a.join() + b.join();
      }
    });
    single.runUntilIdle();
    assertEquals(3, outer.join());
  }

  @Test
  void aJoiningTaskThatLentItsSlotTakesItBackByDrivingTheLoop() {
    ManualExecutor single = ManualExecutor.create(1);
    CompletableFuture<String> first = new CompletableFuture<>();
    CompletableFuture<Integer> outer = single.submitBlocking(() -> {
      try (TaskScope scope = single.openScope()) {
        CompletableFuture<Integer> child = scope.forkBlocking(() -> 1);
        // queued behind the child: it takes the lent slot next and holds it for a virtual minute
        first.complete("queued");
        single.submit(() -> single.delay(Duration.ofMinutes(1)).thenApply(v -> "later"));
        scope.join();
        return child.join();
      }
    });
    single.runUntilIdle();
    assertEquals("queued", first.join());
    assertEquals(1, outer.join(), "the outer task took its slot back once the queued task let go of it");
    assertTrue(single.currentTime().compareTo(Duration.ofMinutes(1)) >= 0);
  }

  @Test
  void aBlockingTaskOfAnotherExecutorWaitingForManualWorkDrivesTheManualLoop() {
    try (dev.corobridge.AsyncExecutor real = new FallbackRuntime().create(dev.corobridge.AsyncExecutor.builder().maxWorkers(1).toConfig())) {
      CompletableFuture<String> waited = real.submitBlocking(() -> {
        String viaRunBlocking = executor.runBlocking(() -> executor.delay(Duration.ofDays(1)).thenApply(v -> "run"));
        try (TaskScope scope = executor.openScope()) {
          CompletableFuture<String> child = scope.fork(() -> executor.delay(Duration.ofDays(1)).thenApply(v -> "scope"));
          scope.join();
          return viaRunBlocking + "+" + child.join();
        }
      });
      assertEquals("run+scope", waited.orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join());
      assertEquals(Duration.ofDays(2), executor.currentTime());
    }
  }
}
