// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.NotSupportedException;
import dev.corobridge.RetryPolicy;
import dev.corobridge.ScopeOptions;
import dev.corobridge.TaskOptions;
import dev.corobridge.TaskScope;
import dev.corobridge.WaitStrategy;
import dev.corobridge.test.ConcurrencyProbe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Spec §6: structured scopes, {@code scoped} and {@code openScope}, on every runtime. */
public abstract class ScopeContract extends ContractSupport {
  /** For the runtime's test class, which extends it. */
  protected ScopeContract() {}


  private static ScopeOptions policy(WaitStrategy strategy) {
    return ScopeOptions.builder().policy(strategy).build();
  }

  /** A blocking child that runs until interrupted, then records that it has really stopped. */
  private static Callable<String> untilInterrupted(CountDownLatch started, AtomicInteger stopped) {
    return () -> {
      started.countDown();
      try {
        Thread.sleep(Await.LIMIT.toMillis() * 3);
        return "not interrupted";
      } finally {
        stopped.incrementAndGet();
      }
    };
  }

  private static void await(CountDownLatch latch) throws InterruptedException {
    assertTrue(latch.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS), "started in time");
  }

  // ------------------------------------------------------------------------------------ outcomes

  @Test
  void scopedCompletesWithTheBodysValueOnlyAfterEveryChildHasFinished() {
    AsyncExecutor executor = newExecutor(4);
    AtomicInteger finishedChildren = new AtomicInteger();
    CompletableFuture<String> result = executor.scoped(scope -> {
      for (int i = 0; i < 5; i++) {
        int delay = 10 * i;
        scope.forkBlocking(() -> {
          Thread.sleep(delay);
          return finishedChildren.incrementAndGet();
        });
      }
      return CompletableFuture.completedFuture("body");
    });
    assertEquals("body", Await.value(result));
    assertEquals(5, finishedChildren.get(), "every child finished before the scope did");
    assertBalanced(executor);
  }

  @Test
  void firstExceptionCancelsTheSiblingsAndFailsWithTheChildsOwnException() throws Exception {
    AsyncExecutor executor = newExecutor(4);
    IllegalStateException boom = new IllegalStateException("boom");
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger stopped = new AtomicInteger();
    AtomicReference<CompletableFuture<String>> sibling = new AtomicReference<>();
    CompletableFuture<Object> result = executor.scoped(scope -> {
      sibling.set(scope.forkBlocking(untilInterrupted(started, stopped)));
      await(started);
      scope.fork(() -> CompletableFuture.failedFuture(boom));
      return new CompletableFuture<>(); // never completes by itself: the policy ends the scope
    });
    assertSame(boom, Await.failure(result));
    assertTrue(sibling.get().isCancelled(), "the sibling was cancelled");
    assertEquals(1, stopped.get(), "the sibling had really stopped before the scope completed");
  }

  @Test
  void laterFailuresAreAttachedToTheFirstAsSuppressed() {
    AsyncExecutor executor = newExecutor(4);
    IllegalStateException first = new IllegalStateException("first");
    IllegalArgumentException second = new IllegalArgumentException("second");
    CompletableFuture<Object> result = executor.scoped(policy(WaitStrategy.ALL_COMPLETED), scope -> {
      CompletableFuture<Object> a = scope.fork(() -> CompletableFuture.failedFuture(first));
      Await.done(a);
      scope.forkBlocking(() -> {
        throw second;
      });
      return CompletableFuture.completedFuture(null);
    });
    assertSame(first, Await.failure(result));
    assertEquals(List.of(second), List.of(first.getSuppressed()));
  }

  @Test
  void allCompletedCancelsNothingAndFailsWithTheFirstFailure() {
    AsyncExecutor executor = newExecutor(4);
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicReference<CompletableFuture<String>> slow = new AtomicReference<>();
    CompletableFuture<Object> result = executor.scoped(policy(WaitStrategy.ALL_COMPLETED), scope -> {
      scope.fork(() -> CompletableFuture.failedFuture(boom));
      slow.set(scope.forkBlocking(() -> {
        Thread.sleep(100);
        return "slow";
      }));
      return CompletableFuture.completedFuture(null);
    });
    assertSame(boom, Await.failure(result));
    assertEquals("slow", slow.get().getNow(null), "the slow sibling ran to its end");
  }

  @Test
  void firstSuccessCancelsTheOthersAndTheScopeSucceeds() throws Exception {
    AsyncExecutor executor = newExecutor(4);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger stopped = new AtomicInteger();
    CompletableFuture<String> result = executor.scoped(policy(WaitStrategy.FIRST_SUCCESS), scope -> {
      CompletableFuture<String> loser = scope.forkBlocking(untilInterrupted(started, stopped));
      await(started);
      CompletableFuture<String> winner = scope.fork(() -> CompletableFuture.completedFuture("fast"));
      return winner.thenCombine(loser.handle((v, e) -> e), (w, e) -> w + "/" + (e instanceof CancellationException));
    });
    assertEquals("fast/true", Await.value(result));
    assertEquals(1, stopped.get());
  }

  @Test
  void aChildThatSucceedsWhileTheBodyStillRunsDoesNotCancelTheBodysStage() throws Exception {
    AsyncExecutor executor = newExecutor(2);
    for (int round = 0; round < 20; round++) {
      CompletableFuture<String> result = executor.scoped(policy(WaitStrategy.FIRST_SUCCESS), scope -> {
        CompletableFuture<String> winner = scope.fork(() -> CompletableFuture.completedFuture("won"));
        Await.done(winner); // the policy has seen the success before the body returns its stage
        return CompletableFuture.supplyAsync(() -> "the body's stage completed", CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS));
      });
      assertEquals("the body's stage completed", Await.value(result));
    }
  }

  @Test
  void firstSuccessFailsOnlyWhenEveryChildFailed() {
    AsyncExecutor executor = newExecutor(4);
    IllegalStateException a = new IllegalStateException("a");
    IllegalStateException b = new IllegalStateException("b");
    CompletableFuture<Object> allFailed = executor.scoped(policy(WaitStrategy.FIRST_SUCCESS), scope -> {
      Await.done(scope.fork(() -> CompletableFuture.failedFuture(a)));
      scope.forkBlocking(() -> {
        throw b;
      });
      return CompletableFuture.completedFuture(null);
    });
    assertSame(a, Await.failure(allFailed));
    CompletableFuture<String> oneSucceeded = executor.scoped(policy(WaitStrategy.FIRST_SUCCESS), scope -> {
      Await.done(scope.fork(() -> CompletableFuture.failedFuture(new IllegalStateException("c"))));
      scope.fork(() -> CompletableFuture.completedFuture("ok"));
      return CompletableFuture.completedFuture("scope");
    });
    assertEquals("scope", Await.value(oneSucceeded));
  }

  @Test
  void firstCompletedCancelsTheRestWhenTheFirstChildFinishes() throws Exception {
    AsyncExecutor executor = newExecutor(4);
    CountDownLatch started = new CountDownLatch(2);
    AtomicInteger stopped = new AtomicInteger();
    CompletableFuture<Integer> result = executor.scoped(policy(WaitStrategy.FIRST_COMPLETED), scope -> {
      scope.forkBlocking(untilInterrupted(started, stopped));
      scope.forkBlocking(untilInterrupted(started, stopped));
      await(started);
      scope.fork(() -> CompletableFuture.completedFuture(1));
      return CompletableFuture.completedFuture(3);
    });
    assertEquals(3, Await.value(result));
    assertEquals(2, stopped.get(), "both long children were cancelled and had stopped");
  }

  @Test
  void aFailingBodyCountsAsAFailedChild() throws Exception {
    AsyncExecutor executor = newExecutor(4);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger stopped = new AtomicInteger();
    IllegalArgumentException bad = new IllegalArgumentException("bad body");
    CompletableFuture<Object> result = executor.scoped(scope -> {
      scope.forkBlocking(untilInterrupted(started, stopped));
      await(started);
      throw bad;
    });
    assertSame(bad, Await.failure(result));
    assertEquals(1, stopped.get(), "the child was cancelled by the body's failure and had stopped");
  }

  // ------------------------------------------------------------------------------------ cancellation

  @Test
  void cancellingTheReturnedFutureCancelsEveryChild() throws Exception {
    AsyncExecutor executor = newExecutor(4);
    CountDownLatch started = new CountDownLatch(2);
    AtomicInteger stopped = new AtomicInteger();
    List<CompletableFuture<String>> children = new ArrayList<>();
    CompletableFuture<Object> result = executor.scoped(scope -> {
      children.add(scope.forkBlocking(untilInterrupted(started, stopped)));
      children.add(scope.forkBlocking(untilInterrupted(started, stopped)));
      return new CompletableFuture<>();
    });
    await(started);
    assertTrue(result.cancel(true));
    Await.until(() -> stopped.get() == 2, () -> "both children stopped: " + stopped.get());
    assertTrue(children.stream().allMatch(CompletableFuture::isCancelled));
    assertBalanced(executor);
  }

  @Test
  void aDeadlineCancelsEveryChildAndFailsTheScopeWithTimeoutException() throws Exception {
    AsyncExecutor executor = newExecutor(4);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger stopped = new AtomicInteger();
    CompletableFuture<Object> result = executor.scoped(ScopeOptions.builder().deadline(Duration.ofMillis(100)).name("slow").build(), scope -> {
      scope.forkBlocking(untilInterrupted(started, stopped));
      return new CompletableFuture<>();
    });
    Throwable failure = Await.failure(result);
    assertInstanceOf(TimeoutException.class, failure);
    assertTrue(failure.getMessage().contains("slow"), failure.getMessage());
    assertEquals(1, stopped.get(), "the child had stopped before the scope failed");
  }

  @Test
  void aDeadlineTooLargeForNanosecondsMeansNoLimit() {
    AsyncExecutor executor = newExecutor(2);
    ScopeOptions forever = ScopeOptions.builder().deadline(Duration.ofSeconds(Long.MAX_VALUE)).build();
    assertEquals("done", Await.value(executor.scoped(forever, scope -> scope.fork(() -> CompletableFuture.completedFuture("done")))));
  }

  @Test
  void cancelCancelsTheChildrenAndJoinReportsTheCancellation() throws Exception {
    AsyncExecutor executor = newExecutor(4);
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger stopped = new AtomicInteger();
    try (TaskScope scope = executor.openScope()) {
      scope.forkBlocking(untilInterrupted(started, stopped));
      await(started);
      scope.cancel();
      assertTrue(scope.isCancelled());
      CompletionException joined = assertThrows(CompletionException.class, scope::join);
      assertInstanceOf(CancellationException.class, joined.getCause());
      assertEquals(1, stopped.get(), "join returned after the child had stopped");
    }
  }

  // ------------------------------------------------------------------------------------ forks refused

  @Test
  void forkAfterTheScopeCompletedIsRefusedAndTheChildNeverStarts() {
    AsyncExecutor executor = newExecutor(2);
    AtomicReference<TaskScope> escaped = new AtomicReference<>();
    Await.value(executor.scoped(scope -> {
      escaped.set(scope);
      return CompletableFuture.completedFuture(null);
    }));
    AtomicBoolean ran = new AtomicBoolean();
    assertThrows(IllegalStateException.class, () -> escaped.get().fork(() -> {
      ran.set(true);
      return CompletableFuture.completedFuture(null);
    }));
    assertFalse(ran.get());
  }

  @Test
  void forkAfterCancelOrCloseIsRefused() {
    AsyncExecutor executor = newExecutor(2);
    TaskScope cancelled = executor.openScope();
    cancelled.cancel();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> cancelled.forkBlocking(() -> 1));
    assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
    cancelled.close();
    TaskScope closed = executor.openScope();
    closed.close();
    assertThrows(IllegalStateException.class, () -> closed.fork(() -> CompletableFuture.completedFuture(1)));
    assertFalse(closed.isCancelled(), "closing a scope with nothing running does not cancel it");
  }

  @Test
  void scopesAreRefusedAfterShutdownAndNullsAreRefusedByName() {
    AsyncExecutor executor = newExecutor(2);
    assertRejects(NullPointerException.class, "body", () -> executor.scoped(null));
    assertRejects(NullPointerException.class, "options", () -> executor.openScope(null));
    try (TaskScope scope = executor.openScope()) {
      assertRejects(NullPointerException.class, "task", () -> scope.fork(null));
      assertRejects(NullPointerException.class, "options", () -> scope.forkBlocking(() -> 1, null));
      assertThrows(IllegalArgumentException.class, () -> scope.fork(() -> CompletableFuture.completedFuture(1),
          TaskOptions.builder().lane("no-such-lane").build()));
    }
    assertRejects(IllegalArgumentException.class, "deadline", () -> ScopeOptions.builder().deadline(Duration.ofMillis(-1)));
    executor.shutdown(false, false);
    assertShutdownRejects(() -> executor.scoped(scope -> CompletableFuture.completedFuture(1)));
    assertShutdownRejects(executor::openScope);
  }

  // ------------------------------------------------------------------------------------ blocking style

  @Test
  void joinWaitsForEveryChildAndThrowsTheScopesFailure() throws Exception {
    AsyncExecutor executor = newExecutor(4);
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicInteger done = new AtomicInteger();
    try (TaskScope scope = executor.openScope(policy(WaitStrategy.ALL_COMPLETED))) {
      for (int i = 0; i < 3; i++) {
        scope.forkBlocking(() -> {
          Thread.sleep(30);
          return done.incrementAndGet();
        });
      }
      scope.fork(() -> CompletableFuture.failedFuture(boom));
      CompletionException joined = assertThrows(CompletionException.class, scope::join);
      assertSame(boom, joined.getCause());
      assertEquals(3, done.get());
    }
  }

  @Test
  void closeCancelsWhatStillRunsAndReturnsWhenItHasReallyStopped() throws Exception {
    AsyncExecutor executor = newExecutor(4);
    CountDownLatch started = new CountDownLatch(1);
    AtomicBoolean stopped = new AtomicBoolean();
    TaskScope scope = executor.openScope();
    CompletableFuture<Object> stubborn = scope.forkBlocking(() -> {
      started.countDown();
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
      while (System.nanoTime() < until) {
        Thread.onSpinWait(); // ignores the interrupt for a while
      }
      stopped.set(true);
      return null;
    });
    await(started);
    scope.close();
    assertTrue(stopped.get(), "close() returned only after the child had really stopped");
    assertTrue(stubborn.isCancelled());
    assertTrue(scope.isCancelled());
  }

  @Test
  void closeReturnsOnlyOnceACancelledAsyncChildsStageHasReallyCompleted() throws Exception {
    AsyncExecutor executor = newExecutor(4);
    CompletableFuture<String> backing = new CompletableFuture<>();
    CountDownLatch started = new CountDownLatch(1);
    TaskScope scope = executor.openScope();
    CompletableFuture<String> child = scope.fork(() -> {
      started.countDown();
      return OddStages.unconvertible(backing); // a cancel cannot reach it: it runs on after the child's future is done
    });
    await(started);
    CompletableFuture<Void> closed = CompletableFuture.runAsync(scope::close);
    Await.until(child::isCancelled, () -> "close() cancelled the child");
    assertThrows(TimeoutException.class, () -> closed.get(100, TimeUnit.MILLISECONDS),
        "close() waits while the child's stage still runs");
    backing.complete("late");
    Await.value(closed);
    assertTrue(scope.isCancelled());
  }

  @Test
  void asyncChildrenWhoseStagesFailLaterAreRetriedAndEachStopsOnce() {
    AsyncExecutor executor = newExecutor(4);
    ConcurrencyProbe later = new ConcurrencyProbe();
    TaskOptions retrying = TaskOptions.builder().retry(RetryPolicy.exponential(2, Duration.ZERO)).build();
    List<AtomicInteger> attempts = new ArrayList<>();
    CompletableFuture<Integer> sum = executor.scoped(scope -> {
      List<CompletableFuture<Integer>> children = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        AtomicInteger tries = new AtomicInteger();
        attempts.add(tries);
        int failures = i % 3; // 0, 1 or 2 attempts fail, each after a short while, before one succeeds
        children.add(scope.fork(() -> tries.incrementAndGet() <= failures
            ? later.<Integer>completeLater(null, 3).<Integer>thenApply(v -> {
                throw new IllegalStateException("attempt " + tries.get());
              })
            : later.completeLater(1, 3), retrying));
      }
      return CompletableFuture.allOf(children.toArray(CompletableFuture[]::new))
          .thenApply(done -> children.stream().mapToInt(CompletableFuture::join).sum());
    });
    assertEquals(100, Await.value(sum));
    for (int i = 0; i < 100; i++) {
      assertEquals(i % 3 + 1, attempts.get(i).get(), "child " + i + " ran once per attempt");
    }
    assertBalanced(executor);
  }

  @Test
  void joinOrCloseFromAChildOfTheSameScopeIsRefusedInsteadOfWaitingForItself() {
    AsyncExecutor executor = newExecutor(2);
    try (TaskScope scope = executor.openScope(policy(WaitStrategy.ALL_COMPLETED))) {
      CompletableFuture<Throwable> joined = scope.forkBlocking(() -> {
        try {
          scope.join();
          return null;
        } catch (IllegalStateException refused) {
          return refused;
        }
      });
      CompletableFuture<Throwable> closed = scope.forkBlocking(() -> {
        try {
          scope.close();
          return null;
        } catch (IllegalStateException refused) {
          return refused;
        }
      });
      assertInstanceOf(IllegalStateException.class, Await.value(joined));
      assertTrue(Await.value(closed).getMessage().contains("itself"), Await.value(closed).getMessage());
    }
  }

  // ------------------------------------------------------------------------------------ nesting

  @Test
  void scopesNestedToDepthFiveAreAllCancelledWithTheOutermost() throws Exception {
    AsyncExecutor executor = newExecutor(workersUpTo(16));
    int depth = 5;
    CountDownLatch leavesStarted = new CountDownLatch(depth);
    AtomicInteger leavesStopped = new AtomicInteger();
    CompletableFuture<Object> outer = executor.scoped(scope -> nest(executor, scope, depth, leavesStarted, leavesStopped));
    await(leavesStarted);
    outer.cancel(true);
    Await.until(() -> leavesStopped.get() == depth, () -> "every nested leaf stopped: " + leavesStopped.get());
    assertBalanced(executor);
  }

  /** Each level forks a leaf that runs until interrupted and a child that opens the next level's scope. */
  private static CompletableFuture<Object> nest(AsyncExecutor executor, TaskScope scope, int levels,
                                                CountDownLatch leavesStarted, AtomicInteger leavesStopped) {
    scope.forkBlocking(untilInterrupted(leavesStarted, leavesStopped));
    if (levels > 1) {
      if (levels % 2 == 0) {
        scope.fork(() -> executor.scoped(inner -> nest(executor, inner, levels - 1, leavesStarted, leavesStopped)));
      } else {
        scope.forkBlocking(() -> {
          try (TaskScope inner = executor.openScope()) {
            nest(executor, inner, levels - 1, leavesStarted, leavesStopped);
            inner.join();
          }
          return null;
        });
      }
    }
    return new CompletableFuture<>();
  }

  @Test
  void cancellingOneChildCancelsTheScopesNestedInItButNotItsSiblings() throws Exception {
    AsyncExecutor executor = newExecutor(workersUpTo(8));
    CountDownLatch started = new CountDownLatch(2);
    AtomicInteger stopped = new AtomicInteger();
    try (TaskScope scope = executor.openScope(policy(WaitStrategy.ALL_COMPLETED))) {
      CompletableFuture<Object> parent = scope.fork(() -> executor.scoped(inner -> {
        inner.forkBlocking(untilInterrupted(started, stopped));
        return new CompletableFuture<>();
      }));
      CompletableFuture<String> sibling = scope.forkBlocking(() -> {
        started.countDown();
        Thread.sleep(50);
        return "sibling";
      });
      await(started);
      parent.cancel(true);
      Await.until(() -> stopped.get() == 1, () -> "the nested child stopped");
      assertEquals("sibling", Await.value(sibling));
      scope.join();
      assertFalse(scope.isCancelled());
    }
  }

  @Test
  void childrenObeyTheirTaskOptions() {
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(workersUpTo(8)).lane("one", 1));
    ConcurrencyProbe probe = new ConcurrencyProbe();
    TaskOptions lane = TaskOptions.builder().lane("one").build();
    Await.value(executor.scoped(scope -> {
      for (int i = 0; i < 6; i++) {
        scope.fork(() -> probe.completeLater(null, 10), lane);
      }
      return CompletableFuture.completedFuture(null);
    }));
    assertEquals(6, probe.entered());
    assertEquals(1, probe.max(), "the lane let one child run at a time");

    AtomicInteger attempts = new AtomicInteger();
    TaskOptions retrying = TaskOptions.builder().retry(RetryPolicy.exponential(1, Duration.ZERO)).build();
    assertEquals("second attempt", Await.value(executor.scoped(scope -> scope.fork(() -> attempts.incrementAndGet() == 1
        ? CompletableFuture.failedFuture(new IllegalStateException("first attempt"))
        : CompletableFuture.completedFuture("second attempt"), retrying))), "the child was retried, the scope saw only its outcome");
    TaskOptions timed = TaskOptions.builder().timeout(Duration.ofMillis(50)).build();
    assertInstanceOf(TimeoutException.class, Await.failure(executor.scoped(scope -> {
      scope.fork(CompletableFuture::new, timed);
      return new CompletableFuture<>();
    })), "the child's own timeout failed it, and the scope with it");
  }

  // ------------------------------------------------------------------------------------ no deadlock from nesting

  @ParameterizedTest(name = "maxWorkers {0}")
  @ValueSource(ints = {1, 2})
  void joinFromABlockingChildLendsItsSlotSoNestedScopesNeverDeadlock(int maxWorkers) {
    AsyncExecutor executor = newExecutor(maxWorkers);
    AtomicInteger leaves = new AtomicInteger();
    Await.finishes(() -> {
      try (TaskScope outer = executor.openScope()) {
        for (int i = 0; i < 3; i++) {
          outer.forkBlocking(() -> {
            try (TaskScope inner = executor.openScope()) {
              for (int j = 0; j < 3; j++) {
                inner.forkBlocking(() -> {
                  try (TaskScope leaf = executor.openScope()) {
                    leaf.fork(() -> CompletableFuture.completedFuture(leaves.incrementAndGet()));
                    leaf.join();
                  }
                  return null;
                });
              }
              inner.join();
            }
            return null;
          });
        }
        outer.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }, "scopes nested three deep at maxWorkers " + maxWorkers);
    assertEquals(9, leaves.get());
    assertBalanced(executor);
  }

  @ParameterizedTest(name = "maxWorkers {0}")
  @ValueSource(ints = {1, 2})
  void slotsLentByWaitingTasksComeBackSoMaxWorkersStillBoundsWhatRuns(int maxWorkers) {
    AsyncExecutor executor = newExecutor(maxWorkers);
    ConcurrencyProbe running = new ConcurrencyProbe();
    Await.finishes(() -> Await.value(executor.submitBlocking(() -> {
      try (TaskScope scope = executor.openScope()) {
        for (int i = 0; i < 8; i++) {
          scope.forkBlocking(running.blockingCall(5));
        }
        scope.join();
      }
      return null;
    })), "a blocking task joining its children");
    assertEquals(8, running.entered());
    assertTrue(running.max() <= maxWorkers, "at most maxWorkers children ran at once: " + running.max());
  }

  @ParameterizedTest(name = "maxWorkers {0}")
  @ValueSource(ints = {1, 2})
  void asyncTasksWhoseStageIsCallAppropriatelyOfTheirOwnExecutorComplete(int maxWorkers) {
    AsyncExecutor executor = newExecutor(maxWorkers);
    List<CompletableFuture<Integer>> tasks = new ArrayList<>();
    TaskOptions withOptions = TaskOptions.builder().name("outer").retry(RetryPolicy.exponential(1, Duration.ZERO)).build();
    for (int i = 0; i < 4; i++) {
      int n = i;
      tasks.add(executor.submit(() -> executor.<Integer>callAppropriately(() -> n)));
      tasks.add(executor.submit(() -> executor.<Integer>callAppropriately(() -> n), withOptions));
    }
    Await.finishes(() -> tasks.forEach(Await::value), "8 tasks awaiting callAppropriately at maxWorkers " + maxWorkers);
    assertEquals(List.of(0, 0, 1, 1, 2, 2, 3, 3), tasks.stream().map(CompletableFuture::join).toList());
    assertBalanced(executor);
  }

  @ParameterizedTest(name = "maxWorkers {0}")
  @ValueSource(ints = {1, 2})
  void asyncTasksThatComposeSubmitsOfTheirOwnExecutorComplete(int maxWorkers) {
    AsyncExecutor executor = newExecutor(maxWorkers);
    List<CompletableFuture<Integer>> tasks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int n = i;
      tasks.add(executor.submit(() -> executor.submitBlocking(() -> n)
          .thenCompose(v -> executor.submit(() -> CompletableFuture.completedFuture(v * 10)))));
    }
    Await.finishes(() -> tasks.forEach(Await::value), "4 tasks composing nested submits at maxWorkers " + maxWorkers);
    assertEquals(List.of(0, 10, 20, 30), tasks.stream().map(CompletableFuture::join).toList());
    assertBalanced(executor);
  }

  @ParameterizedTest(name = "maxWorkers {0}")
  @ValueSource(ints = {1, 2})
  void mapItemsThatSubmitToTheirOwnExecutorComplete(int maxWorkers) {
    AsyncExecutor executor = newExecutor(maxWorkers);
    for (int round = 0; round < 200; round++) { // the items race their nested tasks for the slots differently each round
      CompletableFuture<List<Integer>> mapped = executor.map(i -> executor.submitBlocking(() -> i * 2), List.of(1, 2, 3, 4, 5, 6));
      Await.finishes(() -> Await.value(mapped), "round " + round + ": map items submitting to their own executor at maxWorkers " + maxWorkers);
      assertEquals(List.of(2, 4, 6, 8, 10, 12), mapped.join());
    }
    assertBalanced(executor);
  }

  @ParameterizedTest(name = "maxWorkers {0}")
  @ValueSource(ints = {1, 2})
  void mapIterItemsThatSubmitToTheirOwnExecutorCompleteAndMaxWorkersStillBoundsWhatRuns(int maxWorkers) {
    AsyncExecutor executor = newExecutor(maxWorkers);
    for (int round = 0; round < 100; round++) { // the items race their nested tasks for the slots differently each round
      int r = round;
      Await.finishes(() -> {
        try (Stream<Integer> streamed = executor.mapIter(i -> executor.submitBlocking(() -> i * 2), List.of(1, 2, 3, 4, 5, 6))) {
          assertEquals(List.of(2, 4, 6, 8, 10, 12), streamed.toList());
        }
      }, "round " + r + ": mapIter items submitting to their own executor at maxWorkers " + maxWorkers);
    }
    assertBalanced(executor);
    ConcurrencyProbe running = new ConcurrencyProbe(); // the slots the items gave to their nested tasks came back once, not twice
    List<CompletableFuture<Object>> after = new ArrayList<>();
    for (int i = 0; i < 4 * maxWorkers; i++) {
      after.add(executor.submitBlocking(running.blockingCall(5)));
    }
    after.forEach(Await::value);
    assertTrue(running.max() <= maxWorkers, "at most maxWorkers tasks ran at once: " + running.max());
  }

  @ParameterizedTest(name = "maxWorkers {0}")
  @ValueSource(ints = {1, 2})
  void scopedCallsNestedInAsyncChildrenComplete(int maxWorkers) {
    AsyncExecutor executor = newExecutor(maxWorkers);
    CompletableFuture<Integer> outer = executor.scoped(scope -> {
      List<CompletableFuture<Integer>> forks = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        forks.add(scope.fork(() -> executor.scoped(inner -> {
          CompletableFuture<Integer> a = inner.fork(() -> CompletableFuture.completedFuture(1));
          CompletableFuture<Integer> b = inner.forkBlocking(() -> 1);
          return a.thenCombine(b, Integer::sum);
        })));
      }
      return CompletableFuture.allOf(forks.toArray(CompletableFuture[]::new))
          .thenApply(done -> forks.stream().mapToInt(CompletableFuture::join).sum());
    });
    Await.finishes(() -> Await.value(outer), "scoped nested in async children at maxWorkers " + maxWorkers);
    assertEquals(6, outer.join());
    assertBalanced(executor);
  }

  @ParameterizedTest(name = "maxWorkers {0}")
  @ValueSource(ints = {1, 2})
  void runBlockingNestedDeeperThanMaxWorkersCompletes(int maxWorkers) {
    AsyncExecutor executor = newExecutor(maxWorkers);
    AtomicInteger deepest = new AtomicInteger();
    Await.finishes(() -> assertEquals(4, executor.runBlocking(() -> nestedRunBlocking(executor, 4, deepest))),
        "runBlocking -> submitBlocking -> runBlocking, 4 deep, at maxWorkers " + maxWorkers);
    assertEquals(4, deepest.get());
    assertBalanced(executor);
  }

  private static CompletableFuture<Integer> nestedRunBlocking(AsyncExecutor executor, int level, AtomicInteger deepest) {
    deepest.accumulateAndGet(5 - level, Math::max);
    if (level == 1) {
      return CompletableFuture.completedFuture(1);
    }
    return executor.submitBlocking(() -> 1 + executor.runBlocking(() -> nestedRunBlocking(executor, level - 1, deepest)));
  }

  @Test
  void joinFromAnAsyncTaskIsRefusedBecauseItWouldBlockAnAsyncThread() {
    AsyncExecutor executor = newExecutor(2);
    AtomicReference<Throwable> refused = new AtomicReference<>();
    Await.done(executor.submit(() -> {
      try (TaskScope scope = executor.openScope()) {
        scope.forkBlocking(() -> 1);
        scope.join();
      } catch (Throwable e) {
        refused.set(e);
      }
      return CompletableFuture.completedFuture(null);
    }));
    assertInstanceOf(NotSupportedException.class, refused.get());
    assertTrue(refused.get().getMessage().contains("scoped"), "the message says what to call instead: " + refused.get().getMessage());
  }

  // ------------------------------------------------------------------------------------ stress

  @Test
  void manyScopesWithRandomOutcomesEachCompleteOnceAndLeaveNothingBehind() {
    AsyncExecutor executor = newExecutor(workersUpTo(8));
    int scopes = 300;
    List<CompletableFuture<Integer>> results = new ArrayList<>();
    AtomicInteger running = new AtomicInteger();
    WaitStrategy[] policies = WaitStrategy.values();
    for (int s = 0; s < scopes; s++) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      WaitStrategy strategy = policies[random.nextInt(policies.length)];
      CompletableFuture<Integer> result = executor.scoped(policy(strategy), scope -> {
        int children = 1 + ThreadLocalRandom.current().nextInt(6);
        for (int c = 0; c < children; c++) {
          int kind = ThreadLocalRandom.current().nextInt(4);
          if (kind == 0) {
            scope.fork(() -> CompletableFuture.failedFuture(new IllegalStateException("child")));
          } else if (kind == 1) {
            scope.forkBlocking(() -> {
              running.incrementAndGet();
              try {
                Thread.sleep(ThreadLocalRandom.current().nextInt(3));
                return 1;
              } finally {
                running.decrementAndGet();
              }
            });
          } else {
            scope.fork(() -> CompletableFuture.supplyAsync(() -> 1));
          }
        }
        return CompletableFuture.completedFuture(children);
      });
      if (random.nextInt(10) == 0) {
        result.cancel(true);
      }
      results.add(result);
    }
    for (CompletableFuture<Integer> result : results) {
      Await.done(result);
    }
    Await.until(() -> running.get() == 0, () -> "no child still runs");
    assertBalanced(executor);
  }
}
