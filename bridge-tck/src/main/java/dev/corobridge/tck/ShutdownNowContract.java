// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.AsyncSemaphore;
import dev.corobridge.ExecutorStats;
import dev.corobridge.MapOptions;
import dev.corobridge.RetryPolicy;
import dev.corobridge.TaskOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link AsyncExecutor#shutdownNow()}: everything stops, in the manner of
 * {@code ExecutorService.shutdownNow()}, and the caller learns which of its tasks never ran.
 */
public abstract class ShutdownNowContract extends ContractSupport {
  /** For the runtime's test class, which extends it. */
  protected ShutdownNowContract() {}

  @Test
  void shutdownNowCancelsRunningAndWaitingTasksAndReturnsExactlyTheOnesThatNeverStarted() {
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(2).lane("narrow", 1));
    CountDownLatch bothRun = new CountDownLatch(2);
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<String> asyncRunning = executor.submit(() -> {
      bothRun.countDown();
      return stage;
    });
    CompletableFuture<String> blockingRunning = executor.submitBlocking(() -> {
      bothRun.countDown();
      Thread.sleep(60_000); // interrupted by shutdownNow
      return "slept";
    });
    Await.until(() -> bothRun.getCount() == 0, () -> "both tasks run: " + executor.stats());
    AtomicInteger ran = new AtomicInteger();
    List<CompletableFuture<?>> waiting = List.of(
        executor.submit(() -> CompletableFuture.completedFuture(ran.incrementAndGet())),
        executor.submitBlocking(ran::incrementAndGet),
        executor.submit(() -> CompletableFuture.completedFuture(ran.incrementAndGet()), TaskOptions.builder().lane("narrow").build()),
        executor.submitBlocking(ran::incrementAndGet, TaskOptions.builder().name("named").retry(RetryPolicy.exponential(2, Duration.ZERO)).build()),
        executor.spawn(() -> CompletableFuture.completedFuture(ran.incrementAndGet())),
        executor.callAppropriately(ran::incrementAndGet));

    List<CompletableFuture<?>> neverStarted = executor.shutdownNow();

    assertSameFutures(waiting, neverStarted);
    for (CompletableFuture<?> future : waiting) {
      assertTrue(future.isCancelled(), "a task that never started is cancelled: " + future);
      assertTrue(messageOf(future).contains("shut down"), "says why: " + messageOf(future));
    }
    for (CompletableFuture<?> future : List.of(asyncRunning, blockingRunning)) {
      Await.done(future);
      assertTrue(future.isCancelled(), "a running task is cancelled: " + future);
      assertTrue(messageOf(future).contains("shutdownNow"), "says why: " + messageOf(future));
    }
    Await.until(stage::isCancelled, () -> "the stage the running async task returned is cancelled");
    Await.value(executor.termination());
    ExecutorStats stats = assertBalanced(executor);
    assertEquals(8, stats.cancelled(), "every task ends cancelled: " + stats);
    assertEquals(0, ran.get(), "no waiting task ran");
    assertFalse(executor.isRunning());
    assertShutdownRejects(() -> executor.submit(() -> CompletableFuture.completedFuture(1)));
    assertEquals(List.of(), executor.shutdownNow(), "a second call finds nothing left");
    assertNoThreadLeft();
  }

  @Test
  void shutdownNowDoesNotWaitAndAWorkIgnoringTheInterruptKeepsItsSlotUntilItStops() throws Exception {
    AsyncExecutor executor = newExecutor(1);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean stillRanAfterInterrupt = new AtomicBoolean();
    CompletableFuture<String> stubborn = executor.submitBlocking(() -> {
      running.countDown();
      while (release.getCount() > 0) {
        try {
          release.await();
        } catch (InterruptedException ignored) {
          stillRanAfterInterrupt.set(true); // ignores the interrupt and goes on
        }
      }
      return "finished anyway";
    });
    running.await();
    Await.finishes(executor::shutdownNow, "shutdownNow returns at once");
    Await.done(stubborn);
    assertTrue(stubborn.isCancelled(), "its future is cancelled at once");
    Await.until(stillRanAfterInterrupt::get, () -> "the work was interrupted");
    assertFalse(executor.isTerminated(), "the work still runs, so the executor has not terminated");
    assertEquals(1, executor.stats().running(), "and it keeps its slot: " + executor.stats());
    release.countDown();
    Await.value(executor.termination());
    assertBalanced(executor);
  }

  @Test
  void shutdownNowStopsBatchesStreamsRetriesAndPermitWaits() {
    AsyncExecutor executor = newExecutor(2);
    AsyncSemaphore shared = AsyncSemaphore.create(1);
    CompletableFuture<Integer> holder = executor.submitBlocking(() -> {
      Thread.sleep(60_000);
      return 0;
    }, TaskOptions.builder().semaphore(shared).build());
    Await.until(() -> shared.availablePermits() == 0, () -> "the permit is taken");
    CompletableFuture<Integer> permitWaiter = executor.submit(() -> CompletableFuture.completedFuture(1),
        TaskOptions.builder().semaphore(shared).build());
    CompletableFuture<Integer> backingOff = executor.submit(
        () -> CompletableFuture.failedFuture(new IllegalStateException("again")),
        TaskOptions.builder().retry(RetryPolicy.exponential(5, Duration.ofSeconds(30))).build());
    Await.until(() -> executor.stats().retried() >= 1, () -> "the task waits out its back-off: " + executor.stats());
    List<Integer> input = List.of(1, 2, 3, 4, 5, 6, 7, 8);
    CompletableFuture<List<Integer>> batch = executor.mapBlocking(i -> {
      Thread.sleep(60_000);
      return i;
    }, input, MapOptions.builder().window(1).build());
    Stream<Integer> stream = executor.mapIter(i -> new CompletableFuture<Integer>(), input, MapOptions.builder().window(2).build());
    Iterator<Integer> iterator = stream.iterator();

    List<CompletableFuture<?>> neverStarted = executor.shutdownNow();

    assertSameFutures(List.of(permitWaiter), neverStarted);
    for (CompletableFuture<?> future : List.of(holder, permitWaiter, backingOff, batch)) {
      Await.done(future);
      assertInstanceOf(CancellationException.class, Await.failure(future), "stopped: " + future);
    }
    assertThrows(CancellationException.class, iterator::hasNext, "an open stream is cut short");
    stream.close();
    Await.value(executor.termination());
    assertEquals(1, shared.availablePermits(), "the shared permit went back");
    assertBalanced(executor);
    assertNoThreadLeft();
  }

  @Test
  void shutdownNowRacingSubmissionsCompletesEveryFutureAndListsOnlyTasksThatNeverRan() throws Exception {
    for (int round = 0; round < 30; round++) {
      AsyncExecutor executor = newExecutor(b -> b.maxWorkers(3).lane("lane", 1));
      Set<CompletableFuture<?>> ran = Collections.newSetFromMap(new ConcurrentHashMap<>());
      List<CompletableFuture<?>> accepted = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> submitters = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Thread submitter = new Thread(() -> {
          try {
            go.await();
            for (int i = 0; i < 200; i++) accepted.add(submitOne(executor, ran));
          } catch (dev.corobridge.ExecutorShutdownException | InterruptedException stopped) {
            // the race was lost: nothing more is accepted
          }
        }, "tck-submitter-" + t);
        submitter.start();
        submitters.add(submitter);
      }
      go.countDown();
      Await.until(() -> accepted.size() > 20, () -> "some tasks were accepted");
      List<CompletableFuture<?>> neverStarted = executor.shutdownNow();
      for (Thread submitter : submitters) submitter.join(Await.LIMIT.toMillis());
      Await.value(executor.termination());
      synchronized (accepted) {
        for (CompletableFuture<?> future : accepted) Await.done(future);
      }
      Set<CompletableFuture<?>> listed = Collections.newSetFromMap(new IdentityHashMap<>());
      listed.addAll(neverStarted);
      assertEquals(neverStarted.size(), listed.size(), "round " + round + ": each task listed once");
      for (CompletableFuture<?> future : neverStarted) {
        assertTrue(future.isCancelled(), "round " + round + ": a listed task is cancelled");
        assertFalse(ran.contains(future), "round " + round + ": a listed task never ran");
      }
      assertBalanced(executor);
    }
    assertNoThreadLeft();
  }

  /** One task of a random kind; it marks its own future in {@code ran} when its body starts. */
  private static CompletableFuture<?> submitOne(AsyncExecutor executor, Set<CompletableFuture<?>> ran) {
    CompletableFuture<CompletableFuture<?>> self = new CompletableFuture<>();
    CompletableFuture<?> future = switch (ThreadLocalRandom.current().nextInt(5)) {
      case 0 -> executor.submit(() -> {
        ran.add(self.join());
        return CompletableFuture.supplyAsync(() -> 1, CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.MILLISECONDS));
      });
      case 1 -> executor.submitBlocking(() -> {
        ran.add(self.join());
        Thread.sleep(1);
        return 1;
      });
      case 2 -> executor.submit(() -> {
        ran.add(self.join());
        return CompletableFuture.completedFuture(1);
      }, TaskOptions.builder().lane("lane").build());
      case 3 -> executor.submitBlocking(() -> {
        ran.add(self.join());
        throw new IllegalStateException("retried");
      }, TaskOptions.builder().retry(RetryPolicy.exponential(2, Duration.ofMillis(1))).build());
      default -> executor.callAppropriately(() -> {
        ran.add(self.join());
        return 1;
      });
    };
    self.complete(future);
    return future;
  }

  private static void assertSameFutures(List<CompletableFuture<?>> expected, List<CompletableFuture<?>> actual) {
    Set<CompletableFuture<?>> want = Collections.newSetFromMap(new IdentityHashMap<>());
    want.addAll(expected);
    Set<CompletableFuture<?>> got = Collections.newSetFromMap(new IdentityHashMap<>());
    got.addAll(actual);
    assertEquals(expected.size(), actual.size(), "lists each task that never started, once: " + actual);
    assertEquals(want, got, "the futures of the tasks that never started (compared by identity)");
  }

  /** The message of the exception stored in a completed future (get() on JDK 23+ would throw a new one). */
  private static String messageOf(CompletableFuture<?> future) {
    Await.done(future);
    Throwable why = future.handle((v, e) -> e).join();
    return why == null || why.getMessage() == null ? "" : why.getMessage();
  }
}
