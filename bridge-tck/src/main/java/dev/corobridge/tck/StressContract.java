// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.AsyncSemaphore;
import dev.corobridge.ExecutorStats;
import dev.corobridge.MapOptions;
import dev.corobridge.OutOfResourcesException;
import dev.corobridge.RetryPolicy;
import dev.corobridge.TaskOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Iterator;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Nothing accepted is ever lost: a large random mix of outcomes on a small executor, after which every
 * future has completed exactly once, the counters balance, permits are all back and no thread the
 * executor made is alive. A bounded runtime that refuses work with {@link OutOfResourcesException} is
 * waited on and asked again, as a caller would; refused calls are not counted as submitted.
 */
public abstract class StressContract extends ContractSupport {
  /** For the runtime's test class, which extends it. */
  protected StressContract() {}

  @Test
  void aRandomMixOfOutcomesLosesNothing() {
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(8).lane("lane", 3).onUncaughtError(e -> { }));
    AsyncSemaphore semaphore = AsyncSemaphore.create(5);
    SplittableRandom random = new SplittableRandom(42);
    int n = runtime().stressTasks();
    AtomicInteger completions = new AtomicInteger();
    AtomicInteger doubleCompletions = new AtomicInteger();
    List<CompletableFuture<?>> futures = new ArrayList<>(n);
    List<String> kinds = new ArrayList<>(n);
    TaskOptions retrying = TaskOptions.builder().retry(RetryPolicy.exponential(2, Duration.ZERO)).semaphore(semaphore).build();
    TaskOptions timed = TaskOptions.builder().timeout(Duration.ofMillis(1)).lane("lane").build();
    AtomicInteger heardRetries = new AtomicInteger();
    TaskOptions listened = TaskOptions.builder().retry(RetryPolicy.exponential(2, Duration.ZERO)
        .retryIfResult(v -> Integer.valueOf(503).equals(v)).onRetry(e -> heardRetries.incrementAndGet())).build();
    TaskOptions attemptTimed = TaskOptions.builder().attemptTimeout(Duration.ofMillis(1))
        .retry(RetryPolicy.exponential(1, Duration.ZERO)).build();
    int oldestUnfinished = 0;
    for (int i = 0; i < n; i++) {
      int kind = random.nextInt(KINDS.length);
      int delay = random.nextInt(2);
      CompletableFuture<?> f;
      while (true) {
        try {
          f = submitOne(executor, kind, delay, retrying, timed, listened, attemptTimed);
          break;
        } catch (OutOfResourcesException full) {
          // A bounded runtime's queue is full: back off until the oldest unfinished task is done, as a caller would.
          while (futures.get(oldestUnfinished).isDone()) oldestUnfinished++;
          Await.done(futures.get(oldestUnfinished));
        }
      }
      boolean cancel = random.nextInt(10) == 0;
      kinds.add(KINDS[kind] + (cancel ? ", cancelled" : ""));
      if (cancel) f.cancel(random.nextBoolean());
      f.whenComplete((v, e) -> {
        if (completions.incrementAndGet() > n) doubleCompletions.incrementAndGet();
      });
      futures.add(f);
    }
    assertAllComplete(futures, kinds, completions::get, () -> executor + " " + executor.stats() + ", " + semaphore);
    executor.shutdown(false, false);
    Await.until(executor::isTerminated, () -> "the executor terminates once every future is done: " + executor + " " + executor.stats());
    assertEquals(n, completions.get(), "every future completed");
    assertEquals(0, doubleCompletions.get(), "no future completed twice");
    ExecutorStats stats = assertBalanced(executor);
    assertEquals(n, stats.submitted());
    assertTrue(stats.retried() > 0);
    assertTrue(heardRetries.get() > 0, "retry listeners were told");
    assertEquals(5, semaphore.availablePermits(), "every semaphore permit is back");
    assertNoThreadLeft();
  }

  @Test
  void shutdownRacingSubmissionsLosesNothing() throws InterruptedException {
    SplittableRandom random = new SplittableRandom(11);
    for (int round = 0; round < 50; round++) {
      AsyncExecutor executor = newExecutor(b -> b.maxWorkers(workersUpTo(4)).onUncaughtError(e -> { }));
      boolean cancelFutures = random.nextBoolean();
      int shutdownAfter = random.nextInt(200);
      List<CompletableFuture<?>> futures = new java.util.concurrent.CopyOnWriteArrayList<>();
      AtomicInteger completions = new AtomicInteger();
      CountDownLatch submitted = new CountDownLatch(shutdownAfter);
      Thread submitter = new Thread(() -> {
        SplittableRandom mine = new SplittableRandom(round(shutdownAfter));
        for (int i = 0; i < 400; i++) {
          try {
            CompletableFuture<?> f = submitOne(executor, mine.nextInt(KINDS.length), mine.nextInt(2),
                TaskOptions.builder().retry(RetryPolicy.exponential(1, Duration.ZERO)).build(),
                TaskOptions.builder().timeout(Duration.ofMillis(1)).build(),
                TaskOptions.builder().retry(RetryPolicy.exponential(1, Duration.ZERO).retryIfResult(v -> Integer.valueOf(503).equals(v))).build(),
                TaskOptions.builder().attemptTimeout(Duration.ofMillis(1)).build());
            f.whenComplete((v, e) -> completions.incrementAndGet());
            futures.add(f);
          } catch (RuntimeException refused) { // shut down, or a bounded queue full: refused at the call, never half-accepted
            assertTrue(refused instanceof java.util.concurrent.RejectedExecutionException, "refused, not broken: " + refused);
          }
          submitted.countDown();
        }
      }, "tck-submitter");
      submitter.start();
      submitted.await();
      executor.shutdown(false, cancelFutures);
      submitter.join(Await.LIMIT.toMillis());
      assertTrue(!submitter.isAlive(), "the submitter finished");
      Await.finishes(() -> futures.forEach(Await::done), "round " + round + ": every accepted future completes");
      Await.done(executor.termination());
      Await.until(() -> completions.get() == futures.size(), () -> "each completed once: " + completions.get() + " of " + futures.size());
      ExecutorStats stats = assertBalanced(executor);
      assertEquals(futures.size(), stats.submitted(), "round " + round + ": what was accepted is what was counted: " + stats);
    }
    assertNoThreadLeft();
  }

  private static long round(int seed) {
    return 31L * seed + 7;
  }

  @Test
  void streamsEndedEveryWayLeaveNothingBehind() {
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(workersUpTo(8)));
    SplittableRandom random = new SplittableRandom(7);
    for (int s = 0; s < 300; s++) {
      int n = random.nextInt(40);
      int failAt = n > 0 && random.nextInt(4) == 0 ? random.nextInt(n) : -1;
      int ending = random.nextInt(3); // 0: consume all; 1: stop early, close here; 2: close from another thread meanwhile
      int stopAfter = ending == 1 ? random.nextInt(n + 1) : n;
      int closeAfterMillis = random.nextInt(3);
      List<Integer> seen = new ArrayList<>();
      Throwable failure = null;
      Stream<Integer> stream = executor.mapIter(i -> i == failAt
              ? CompletableFuture.failedFuture(new IOException("item " + i))
              : CompletableFuture.supplyAsync(() -> i, CompletableFuture.delayedExecutor(i % 3, TimeUnit.MILLISECONDS)),
          IntStream.range(0, n).boxed().collect(Collectors.toList()),
          MapOptions.builder().window(1 + random.nextInt(8)).build());
      CompletableFuture<Void> closer = ending == 2
          ? CompletableFuture.runAsync(stream::close, CompletableFuture.delayedExecutor(closeAfterMillis, TimeUnit.MILLISECONDS))
          : CompletableFuture.completedFuture(null);
      try {
        Iterator<Integer> it = stream.iterator();
        while (seen.size() < stopAfter && it.hasNext()) seen.add(it.next());
      } catch (RuntimeException e) {
        failure = e;
      } finally {
        Await.done(closer);
        stream.close();
      }
      assertEquals(IntStream.range(0, seen.size()).boxed().collect(Collectors.toList()), seen, "a prefix of the input, in order");
      if (ending == 0) {
        if (failAt >= 0) {
          assertTrue(failure instanceof CompletionException && failure.getCause() instanceof IOException, "the item's failure: " + failure);
          assertEquals(failAt, seen.size());
        } else {
          assertEquals(n, seen.size(), "everything, when nothing failed and nobody closed the stream early: " + failure);
        }
      }
    }
    Await.finishes(executor::close, "close after 300 streams");
    assertBalanced(executor);
    assertNoThreadLeft();
  }

  /** What each kind of {@link #submitOne} task is, for the message of a failure. */
  private static final String[] KINDS = {"async value", "async failure", "async never completing, 1 ms timeout on a lane",
      "async retried once, semaphore", "blocking value", "spawned failure", "async delayed value", "async delayed value",
      "a stage calling back twice", "an unconvertible delayed stage", "a broken stage", "a 503 retried by result, listened",
      "never completing, 1 ms attempt timeout, retried once", "callAppropriately returning a delayed stage",
      "blocking sleep, 1 ms timeout"};

  /**
   * Waits for every future for as long as they keep completing: it fails only when none has completed for
   * {@link Await#LIMIT} (a loaded machine drains slowly; a lost task stops the progress). A failure names each
   * future left pending, with its kind.
   */
  private static void assertAllComplete(List<CompletableFuture<?>> futures, List<String> kinds,
                                        IntSupplier completed, Supplier<String> state) {
    int lastCount = completed.getAsInt();
    long lastProgress = System.nanoTime();
    boolean stalled = false;
    List<String> pending = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      CompletableFuture<?> future = futures.get(i);
      while (!stalled && !future.isDone()) {
        try {
          future.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        } catch (Exception doneOrNotYet) {
          int count = completed.getAsInt();
          if (count != lastCount) {
            lastCount = count;
            lastProgress = System.nanoTime();
          }
          stalled = !future.isDone() && System.nanoTime() - lastProgress > Await.LIMIT.toNanos();
        }
      }
      if (!future.isDone()) pending.add("#" + i + " (" + kinds.get(i) + ")");
    }
    if (!pending.isEmpty()) {
      // the threads' stacks say where the work stopped: printed for whoever reads the failed run's output
      StringBuilder dump = new StringBuilder("Threads when " + pending.size() + " futures were still pending:\n");
      Thread.getAllStackTraces().forEach((thread, stack) -> {
        dump.append('"').append(thread.getName()).append("\" ").append(thread.getState()).append('\n');
        for (StackTraceElement frame : stack) dump.append("    at ").append(frame).append('\n');
      });
      System.err.println(dump);
    }
    assertTrue(pending.isEmpty(), () -> pending.size() + " futures never completed (none completed for " + Await.LIMIT + "): "
        + pending.subList(0, Math.min(20, pending.size())) + "; " + state.get());
  }

  private static CompletableFuture<?> submitOne(AsyncExecutor executor, int kind, int delay, TaskOptions retrying, TaskOptions timed,
                                                TaskOptions listened, TaskOptions attemptTimed) {
    return switch (kind) {
      case 0 -> executor.submit(() -> CompletableFuture.completedFuture(1));
      case 1 -> executor.submit(() -> CompletableFuture.failedFuture(new IOException("fail")));
      case 2 -> executor.submit(CompletableFuture::new, timed);
      case 3 -> {
        AtomicInteger attempts = new AtomicInteger();
        yield executor.submit(() -> attempts.incrementAndGet() < 2
            ? CompletableFuture.failedFuture(new IOException("retry"))
            : CompletableFuture.completedFuture(2), retrying);
      }
      case 4 -> executor.submitBlocking(() -> 3);
      case 5 -> executor.spawn(() -> CompletableFuture.supplyAsync(() -> {
        throw new IllegalStateException("spawned");
      }));
      case 8 -> executor.submit(() -> OddStages.callingBackTwice(CompletableFuture.completedFuture(5)));
      case 9 -> executor.submit(() -> OddStages.unconvertible(
          CompletableFuture.supplyAsync(() -> 6, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS))));
      case 10 -> executor.submit(() -> OddStages.broken(new IllegalStateException("broken")));
      case 11 -> {
        AtomicInteger attempts = new AtomicInteger();
        yield executor.submit(() -> CompletableFuture.completedFuture(attempts.incrementAndGet() < 2 ? 503 : 200), listened);
      }
      case 12 -> executor.submit(CompletableFuture::new, attemptTimed);
      case 13 -> executor.callAppropriately(() -> CompletableFuture.supplyAsync(() -> 7, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)));
      case 14 -> executor.submitBlocking(() -> {
        Thread.sleep(delay);
        return 8;
      }, TaskOptions.builder().timeout(Duration.ofMillis(1)).build());
      default -> executor.submit(() -> CompletableFuture.supplyAsync(() -> 4, CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)));
    };
  }
}
