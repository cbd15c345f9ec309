// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.ExecutorStats;
import dev.corobridge.OutOfResourcesException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Spec §2: shutdown, close, termination, and what is left behind. */
public abstract class LifecycleContract extends ContractSupport {
  /** For the runtime's test class, which extends it. */
  protected LifecycleContract() {}


  @Test
  void aFullQueueRefusesNewTasksAtTheCallAndAcceptsNothing() {
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(1).queueCapacity(2));
    Occupant running = occupyASlot(executor);
    CompletableFuture<Integer> first = executor.submit(() -> CompletableFuture.completedFuture(1));
    CompletableFuture<Integer> second = executor.submitBlocking(() -> 2, dev.corobridge.TaskOptions.builder()
        .retry(dev.corobridge.RetryPolicy.exponential(1, Duration.ZERO)).build());
    long accepted = executor.stats().submitted();
    assertRejects(OutOfResourcesException.class, "queue", () -> executor.submit(() -> CompletableFuture.completedFuture(3)));
    assertRejects(OutOfResourcesException.class, "queue", () -> executor.submitBlocking(() -> 3, dev.corobridge.TaskOptions.builder()
        .retry(dev.corobridge.RetryPolicy.exponential(1, Duration.ZERO)).build()));
    assertRejects(OutOfResourcesException.class, "queue", () -> executor.callAppropriately(() -> 4));
    assertRejects(OutOfResourcesException.class, "queue", () -> executor.spawn(() -> CompletableFuture.completedFuture(5)));
    assertEquals(accepted, executor.stats().submitted(), "refused calls accept nothing");
    CompletableFuture<List<Integer>> batch = executor.map(CompletableFuture::completedFuture, List.of(1, 2, 3, 4));
    running.release().countDown();
    assertEquals("ran", Await.value(running.future()));
    assertEquals(1, Await.value(first));
    assertEquals(2, Await.value(second));
    assertEquals(List.of(1, 2, 3, 4), Await.value(batch), "a batch is never refused half-way");
    assertEquals(6, Await.value(executor.submit(() -> CompletableFuture.completedFuture(6))), "room again once tasks started");
    assertBalanced(executor);
    assertRejects(IllegalArgumentException.class, "queueCapacity", () -> AsyncExecutor.builder().queueCapacity(0));
  }

  @Test
  void tasksCancelledByShutdownSayWhy() throws Exception {
    AsyncExecutor executor = newExecutor(1);
    Occupant running = occupyASlot(executor); // not among the tasks the shutdown cancels
    List<CompletableFuture<?>> waiting = new ArrayList<>();
    waiting.add(executor.submit(() -> CompletableFuture.completedFuture(1)));
    waiting.add(executor.submitBlocking(() -> 2));
    waiting.add(executor.submit(() -> CompletableFuture.completedFuture(3), dev.corobridge.TaskOptions.builder().name("with options").build()));
    executor.shutdown(false, true);
    for (CompletableFuture<?> future : waiting) {
      assertTrue(future.isCancelled(), "cancelled: " + future);
      Await.done(future);
      Throwable why = future.handle((v, e) -> e).join(); // as stored: get() on JDK 23+ throws a new CancellationException("get")
      assertInstanceOf(CancellationException.class, why);
      assertTrue(why.getMessage() != null && why.getMessage().contains("shut down"), "says why: " + why.getMessage());
    }
    running.release().countDown();
    assertEquals("ran", Await.value(running.future()));
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A blocking task that holds a worker slot until released, and the latch that releases it. */
  private record Occupant(CompletableFuture<String> future, CountDownLatch release) {}

  /** Submits a blocking task that holds a worker slot until released; returns once it runs. */
  private static Occupant occupyASlot(AsyncExecutor executor) {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> future = executor.submitBlocking(() -> {
      started.countDown();
      release.await();
      return "ran";
    });
    Await.until(() -> started.getCount() == 0, () -> "the task runs, holding its slot: " + executor.stats());
    return new Occupant(future, release);
  }

  @Test
  void awaitTerminationWaitsBoundedAndSaysWhetherTheExecutorTerminated() throws InterruptedException {
    AsyncExecutor executor = newExecutor(2);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> running = executor.submitBlocking(() -> {
      release.await();
      return "done";
    });
    assertFalse(executor.awaitTermination(Duration.ZERO), "not even shut down");
    executor.shutdown(false, false);
    assertFalse(executor.awaitTermination(Duration.ofMillis(20)), "a task still runs");
    release.countDown();
    assertTrue(executor.awaitTermination(Duration.ofSeconds(Long.MAX_VALUE)), "a huge timeout waits without limit");
    assertEquals("done", running.join());
    assertTrue(executor.awaitTermination(Duration.ZERO));
    assertRejects(IllegalArgumentException.class, "timeout", () -> {
      try {
        executor.awaitTermination(Duration.ofMillis(-1));
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    assertRejects(NullPointerException.class, "timeout", () -> {
      try {
        executor.awaitTermination(null);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
  }

  @Test
  void statsBalanceTheMomentCloseHasReturned() {
    for (int round = 0; round < 100; round++) {
      AsyncExecutor executor = newExecutor(2);
      for (int i = 0; i < 4; i++) {
        int n = i;
        if (n % 2 == 0) executor.submit(() -> CompletableFuture.completedFuture(n));
        else executor.submitBlocking(() -> n);
      }
      executor.close();
      ExecutorStats stats = executor.stats();
      assertEquals(0, stats.running(), "round " + round + ": nothing runs once close() returned: " + stats);
      assertEquals(0, stats.queued(), "round " + round + ": " + stats);
      assertEquals(stats.submitted(), stats.succeeded() + stats.failed() + stats.cancelled(), "round " + round + ": " + stats);
    }
  }

  @Test
  void shutdownIsIdempotentAndStopsAcceptingWork() {
    AsyncExecutor executor = newExecutor(2);
    executor.shutdown(false, false);
    executor.shutdown(false, false);
    executor.shutdown(true, false);
    assertFalse(executor.isRunning());
    assertTrue(executor.isTerminated());
    assertShutdownRejects(() -> executor.submit(() -> null));
  }

  @Test
  void shutdownWithCancelFuturesCancelsTasksThatHaveNotStartedAndLetsStartedOnesFinish() throws Exception {
    AsyncExecutor executor = newExecutor(1);
    CountDownLatch started = new CountDownLatch(1);
    CompletableFuture<String> gate = new CompletableFuture<>();
    CompletableFuture<String> running = executor.submit(() -> {
      started.countDown();
      return gate;
    });
    List<CompletableFuture<String>> queued = new ArrayList<>();
    for (int i = 0; i < 5; i++) queued.add(executor.submit(() -> CompletableFuture.completedFuture("ran")));
    CompletableFuture<Integer> queuedBlocking = executor.submitBlocking(() -> 1);
    started.await();
    executor.shutdown(false, true);
    for (CompletableFuture<String> f : queued) {
      Await.done(f);
      assertTrue(f.isCancelled(), "a queued task's future reports isCancelled()");
    }
    Await.done(queuedBlocking);
    assertTrue(queuedBlocking.isCancelled());
    assertFalse(running.isDone(), "the started task goes on");
    assertFalse(executor.isTerminated());
    gate.complete("finished");
    assertEquals("finished", Await.value(running));
    Await.value(executor.termination());
    var stats = assertBalanced(executor);
    assertEquals(6, stats.cancelled());
    assertEquals(1, stats.succeeded());
  }

  @Test
  void aBatchCutShortByShutdownWithCancelFuturesFailsInsteadOfReturningMissingResults() throws Exception {
    for (int round = 0; round < 20; round++) {
      AsyncExecutor executor = newExecutor(4);
      CountDownLatch someDone = new CountDownLatch(10);
      List<Integer> input = new ArrayList<>();
      for (int i = 0; i < 200; i++) input.add(i);
      CompletableFuture<List<Integer>> async = executor.map(i -> CompletableFuture.supplyAsync(() -> {
        someDone.countDown();
        return i;
      }, CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.MILLISECONDS)), input,
          dev.corobridge.MapOptions.builder().window(2).build());
      CompletableFuture<List<Integer>> blocking = executor.mapBlocking(i -> {
        someDone.countDown();
        Thread.sleep(1);
        return i;
      }, input, dev.corobridge.MapOptions.builder().window(2).build());
      someDone.await();
      executor.shutdown(false, true);
      for (CompletableFuture<List<Integer>> batch : List.of(async, blocking)) {
        Await.done(batch);
        if (!batch.isCompletedExceptionally()) {
          assertEquals(input, batch.join(), "a batch that succeeds has every result; it fails if shutdown refused an item");
        }
      }
      Await.finishes(() -> executor.shutdown(true, false), "termination");
    }
  }

  @Test
  void shutdownWithoutCancelFuturesRunsEveryAcceptedTask() {
    AsyncExecutor executor = newExecutor(1);
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int n = i;
      futures.add(executor.submit(() -> CompletableFuture.supplyAsync(() -> n)));
    }
    executor.shutdown(true, false);
    assertTrue(executor.isTerminated(), "wait = true returns only after every accepted task finished");
    for (int i = 0; i < 20; i++) assertEquals(i, futures.get(i).getNow(-1));
  }

  @Test
  void shutdownWithoutWaitReturnsAtOnceAndTerminationFollowsTheLastTask() {
    AsyncExecutor executor = newExecutor(1);
    CompletableFuture<String> gate = new CompletableFuture<>();
    CompletableFuture<String> task = executor.submit(() -> gate);
    executor.shutdown(false, false);
    assertFalse(executor.isTerminated());
    assertFalse(executor.termination().isDone());
    gate.complete("x");
    Await.value(executor.termination());
    assertTrue(executor.isTerminated());
    assertEquals("x", task.join());
  }

  @Test
  void closeWaitsForAcceptedWorkWithoutCancellingIt() {
    AsyncExecutor executor = newExecutor(2);
    AtomicBoolean finished = new AtomicBoolean();
    CompletableFuture<Object> task = executor.submitBlocking(() -> {
      Thread.sleep(50);
      finished.set(true);
      return null;
    });
    executor.close();
    assertTrue(finished.get());
    assertTrue(task.isDone() && !task.isCancelled());
    assertTrue(executor.isTerminated());
  }

  @Test
  void closeFromOneOfItsOwnTasksDoesNotWaitForItself() {
    AsyncExecutor executor = newExecutor(1);
    AtomicReference<Throwable> outcome = new AtomicReference<>();
    Await.finishes(() -> Await.done(executor.submitBlocking(() -> {
      try {
        executor.close();
      } catch (Throwable t) {
        outcome.set(t);
      }
      return null;
    })), "close() from a task");
    assertInstanceOf(IllegalStateException.class, outcome.get());
  }

  @Test
  void noThreadMadeByTheExecutorOutlivesIt() {
    AsyncExecutor executor = newExecutor(4);
    List<CompletableFuture<?>> futures = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      futures.add(executor.submitBlocking(() -> {
        Thread.sleep(1);
        return null;
      }));
      futures.add(executor.submit(() -> CompletableFuture.supplyAsync(() -> 1)));
    }
    CompletableFuture<Object> cancelled = executor.submitBlocking(() -> {
      Thread.sleep(60_000);
      return null;
    });
    cancelled.cancel(true);
    executor.close();
    futures.forEach(Await::done);
    assertNoThreadLeft();
  }

  @Test
  void noThreadMadeByTheExecutorIsAliveTheMomentCloseReturns() {
    for (int round = 0; round < 30; round++) {
      AsyncExecutor executor = newExecutor(4);
      java.util.Set<Thread> ranOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
      for (int i = 0; i < 8; i++) {
        executor.submitBlocking(() -> {
          ranOn.add(Thread.currentThread());
          Thread.sleep(1);
          return null;
        });
      }
      executor.execute(() -> { // likely the last to end: the executor terminates on its thread
        ranOn.add(Thread.currentThread());
        sleepQuietly(5);
      });
      executor.close();
      assertTrue(executor.isTerminated());
      for (Thread thread : ranOn) { // isAlive() is instant, where a scan of every thread would give them time to end
        assertFalse(thread.isAlive() && !runtime().isSharedRuntimeThread(thread),
            "round " + round + ": " + thread.getName() + " is alive right after close() returned");
      }
      assertNoThreadAliveNow("round " + round + ", right after close()");
    }
  }

  @Test
  void aTaskCancelledBeforeItStartsNeverRuns() {
    AsyncExecutor executor = newExecutor(1);
    CompletableFuture<String> gate = new CompletableFuture<>();
    executor.submit(() -> gate);
    AtomicBoolean ran = new AtomicBoolean();
    CompletableFuture<String> queued = executor.submit(() -> {
      ran.set(true);
      return CompletableFuture.completedFuture("ran");
    });
    queued.cancel(false);
    gate.complete("go");
    assertInstanceOf(CancellationException.class, Await.failure(queued));
    assertBalanced(executor);
    assertFalse(ran.get());
  }
}
