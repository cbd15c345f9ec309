// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.ExecutorStats;
import dev.corobridge.TaskOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Faults a task can bring: stages that are legal but unusual or plainly broken. Whatever a task's stage
 * does, its future completes exactly once, the task is counted once, no worker is lost and the executor
 * terminates only when every task has really finished.
 */
public abstract class FaultContract extends ContractSupport {
  /** For the runtime's test class, which extends it. */
  protected FaultContract() {}

  @Test
  void aStageThatCallsItsCallbacksTwiceCompletesAndCountsItsTaskOnce() {
    AsyncExecutor executor = newExecutor(2);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> longRunning = executor.submitBlocking(() -> {
      release.await();
      return "long";
    });
    List<CompletableFuture<Integer>> odd = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int n = i;
      odd.add(executor.submit(() -> OddStages.callingBackTwice(CompletableFuture.completedFuture(n))));
    }
    for (int i = 0; i < odd.size(); i++) assertEquals(i, Await.value(odd.get(i)));
    Await.until(() -> executor.stats().succeeded() == 20, () -> "the odd tasks are counted: " + executor.stats());
    executor.shutdown(false, false);
    assertFalse(executor.isTerminated(), "a task still runs, however often the others' stages called back");
    assertEquals(1, executor.stats().running(), "counted once each: " + executor.stats());
    assertEquals(20, executor.stats().succeeded(), "counted once each: " + executor.stats());
    release.countDown();
    assertEquals("long", Await.value(longRunning));
    Await.done(executor.termination());
    ExecutorStats stats = assertBalanced(executor);
    assertEquals(21, stats.succeeded(), "every task counted once: " + stats);
  }

  @Test
  void aStageWhoseConversionThrowsIsFollowedToItsOutcome() {
    AsyncExecutor executor = newExecutor(2);
    CompletableFuture<String> owner = new CompletableFuture<>();
    CompletableFuture<String> future = executor.submit(() -> OddStages.convertingWith(owner, new IllegalStateException("no conversion")));
    assertFalse(future.isDone());
    owner.complete("value");
    assertEquals("value", Await.value(future));
    assertBalanced(executor);
  }

  @Test
  void aStageWhoseConversionThrowsStillTimesOutAndCancelsCleanly() {
    AsyncExecutor executor = newExecutor(2);
    CompletableFuture<String> timedOwner = new CompletableFuture<>();
    CompletableFuture<String> timed = executor.submit(() -> OddStages.convertingWith(timedOwner, new IllegalStateException("no conversion")),
        TaskOptions.builder().timeout(Duration.ofMillis(50)).build());
    assertInstanceOf(TimeoutException.class, Await.failure(timed));
    CompletableFuture<String> cancelledOwner = new CompletableFuture<>();
    CompletableFuture<String> cancelled = executor.submit(() -> OddStages.convertingWith(cancelledOwner, new IllegalStateException("no conversion")));
    cancelled.cancel(true);
    assertTrue(cancelled.isCancelled());
    timedOwner.complete("late");
    cancelledOwner.complete("late");
    assertEquals("next", Await.value(executor.submit(() -> CompletableFuture.completedFuture("next"))), "the workers survived");
    assertBalanced(executor);
  }

  @Test
  void aBrokenStageFailsItsTaskWithTheStagesExceptionAndNoWorkerIsLost() {
    AsyncExecutor executor = newExecutor(1);
    IllegalStateException broken = new IllegalStateException("broken stage");
    for (int i = 0; i < 5; i++) {
      CompletableFuture<Object> future = executor.submit(() -> OddStages.broken(broken));
      assertSame(broken, Await.failure(future));
    }
    CompletableFuture<Object> withOptions = executor.submit(() -> OddStages.broken(broken), TaskOptions.builder().name("odd").build());
    assertSame(broken, Await.failure(withOptions));
    assertEquals("next", Await.value(executor.submit(() -> CompletableFuture.completedFuture("next"))), "the only worker survived");
    assertEquals(7, assertBalanced(executor).submitted());
  }

  @Test
  void callAppropriatelyFollowsAnOddStageLikeSubmitDoes() {
    AsyncExecutor executor = newExecutor(2);
    CompletableFuture<String> owner = new CompletableFuture<>();
    CompletableFuture<String> twice = executor.callAppropriately(() -> OddStages.callingBackTwice(owner));
    IllegalStateException broken = new IllegalStateException("broken stage");
    CompletableFuture<Object> failed = executor.callAppropriately(() -> (CompletionStage<Object>) OddStages.<Object>broken(broken));
    assertSame(broken, Await.failure(failed));
    owner.complete("once");
    assertEquals("once", Await.value(twice));
    assertEquals(2, assertBalanced(executor).submitted());
  }

  @Test
  void asCompletedTakesEachOddStageOnce() {
    AsyncExecutor executor = newExecutor(2);
    CompletableFuture<Integer> second = new CompletableFuture<>();
    List<CompletableFuture<Integer>> ordered = executor.asCompleted(List.of(
        OddStages.callingBackTwice(CompletableFuture.completedFuture(1)), OddStages.callingBackTwice(second)));
    assertEquals(1, Await.value(ordered.get(0)));
    assertFalse(ordered.get(1).isDone(), "the first stage's second callback took no slot");
    second.complete(2);
    assertEquals(2, Await.value(ordered.get(1)));
  }

  @Test
  void aBlockingCallbackOnOneExecutorsTimedOutFutureDelaysNoOtherExecutorsTimeout() throws InterruptedException {
    AsyncExecutor a = newExecutor(2);
    AsyncExecutor b = newExecutor(2);
    Thread tester = Thread.currentThread();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocking = new CountDownLatch(1);
    CompletableFuture<Object> slow = a.submit(CompletableFuture::new, TaskOptions.builder().timeout(Duration.ofMillis(300)).build());
    slow.whenComplete((v, e) -> blockUnlessOn(tester, blocking, release)); // runs where the future completes
    try {
      Await.done(slow);
      blocking.await(Await.LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      assertATimeoutFiresOnTime(b);
    } finally {
      release.countDown();
    }
  }

  @Test
  void blockingCallbacksOnEveryThreadThatCompletesFuturesDelayNoOtherExecutorsTimeout() throws InterruptedException {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors()); // what a shared dispatcher has, at least
    AsyncExecutor a = newExecutor(threads + 1);
    AsyncExecutor b = newExecutor(2);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocking = new CountDownLatch(threads + 1);
    List<Thread> completers = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        CompletableFuture<Integer> gate = new CompletableFuture<>();
        a.submit(() -> gate).whenComplete((v, e) -> blockUntil(blocking, release));
        Thread completer = new Thread(() -> gate.complete(1), "tck-completer-" + i); // may run the callback itself
        completers.add(completer);
        completer.start();
      }
      Thread tester = Thread.currentThread();
      a.submit(CompletableFuture::new, TaskOptions.builder().timeout(Duration.ofMillis(50)).build())
          .whenComplete((v, e) -> blockUnlessOn(tester, blocking, release));
      assertTrue(blocking.await(Await.LIMIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS), "every callback blocks");
      assertATimeoutFiresOnTime(b);
    } finally {
      release.countDown();
      for (Thread completer : completers) completer.join(Await.LIMIT.toMillis());
    }
  }

  /** Asserts that a 100 ms timeout of a task of {@code executor} fires on time (well within 5 s). */
  private static void assertATimeoutFiresOnTime(AsyncExecutor executor) {
    long start = System.nanoTime();
    CompletableFuture<Object> other = executor.submit(CompletableFuture::new, TaskOptions.builder().timeout(Duration.ofMillis(100)).build());
    assertInstanceOf(TimeoutException.class, Await.failure(other));
    long millis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(millis < 5_000, "another executor's 100 ms timeout fired after " + millis + " ms");
  }

  /**
   * A callback that blocks the thread running it until released, unless that is the test's own thread: a
   * {@code CompletableFuture} runs a callback there when the future completed before the callback was attached, or
   * when the test waits for the future as it completes (the waiter then runs pending callbacks too), and the test
   * would wait for itself.
   */
  private static void blockUnlessOn(Thread tester, CountDownLatch blocking, CountDownLatch release) {
    if (Thread.currentThread() == tester) {
      blocking.countDown();
    } else {
      blockUntil(blocking, release);
    }
  }

  /** A callback that blocks the thread running it until released. */
  private static void blockUntil(CountDownLatch blocking, CountDownLatch release) {
    blocking.countDown();
    try {
      release.await();
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
