// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.AsyncSemaphore;
import dev.corobridge.LaneStats;
import dev.corobridge.MapOptions;
import dev.corobridge.RetryEvent;
import dev.corobridge.RetryPolicy;
import dev.corobridge.TaskOptions;
import dev.corobridge.test.ConcurrencyProbe;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Spec §3: retries, timeouts, shared semaphores and lanes. */
public abstract class PolicyContract extends ContractSupport {
  /** For the runtime's test class, which extends it. */
  protected PolicyContract() {}


  private static List<Integer> range(int n) {
    return IntStream.range(0, n).boxed().collect(Collectors.toList());
  }

  private static TaskOptions retry(RetryPolicy policy) {
    return TaskOptions.builder().retry(policy).build();
  }

  @Test
  void aFlakyTaskSucceedsWithinItsRetriesAndEachRetryIsCounted() {
    AsyncExecutor executor = newExecutor(2);
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<String> future = executor.submit(() -> {
      if (attempts.incrementAndGet() < 3) throw new IOException("flaky");
      return CompletableFuture.completedFuture("ok");
    }, retry(RetryPolicy.exponential(3, Duration.ofMillis(1))));
    assertEquals("ok", Await.value(future));
    assertEquals(3, attempts.get());
    assertEquals(2, assertBalanced(executor).retried());
  }

  @Test
  void whenEveryAttemptFailsTheLastOwnExceptionCarriesTheEarlierOnesAsSuppressed() {
    AsyncExecutor executor = newExecutor(2);
    List<IOException> thrown = new ArrayList<>();
    CompletableFuture<Object> future = executor.submit(() -> {
      IOException e = new IOException("attempt " + (thrown.size() + 1));
      thrown.add(e);
      return CompletableFuture.failedFuture(e);
    }, retry(RetryPolicy.exponential(2, Duration.ofMillis(1))));
    Throwable failure = Await.failure(future);
    assertEquals(3, thrown.size(), "retries + 1 attempts");
    assertTrue(failure == thrown.get(2), "the last attempt's own exception");
    assertArrayEquals(new Throwable[] {thrown.get(0), thrown.get(1)}, failure.getSuppressed());
  }

  @Test
  void anExceptionThrownByEveryAttemptIsNeverItsOwnSuppressedAndAnEarlierOneIsAttachedOnce() {
    AsyncExecutor executor = newExecutor(2);
    IOException same = new IOException("always this one");
    assertTrue(Await.failure(executor.submit(() -> CompletableFuture.failedFuture(same),
        retry(RetryPolicy.exponential(3, Duration.ofMillis(1))))) == same);
    assertArrayEquals(new Throwable[0], same.getSuppressed(), "never suppressed in itself");

    IOException early = new IOException("first and second attempt");
    IOException last = new IOException("last attempt");
    AtomicInteger attempts = new AtomicInteger();
    Throwable failure = Await.failure(executor.submit(
        () -> CompletableFuture.failedFuture(attempts.incrementAndGet() < 3 ? early : last),
        retry(RetryPolicy.exponential(2, Duration.ofMillis(1)))));
    assertTrue(failure == last);
    assertArrayEquals(new Throwable[] {early}, last.getSuppressed(), "each earlier exception once");
  }

  @Test
  void anAttemptThatRunsOutOfItsAttemptTimeoutIsStoppedAndRetried() {
    AsyncExecutor executor = newExecutor(2);
    AtomicInteger attempts = new AtomicInteger();
    List<CompletableFuture<String>> stages = new java.util.concurrent.CopyOnWriteArrayList<>();
    TaskOptions options = TaskOptions.builder()
        .attemptTimeout(Duration.ofMillis(50))
        .retry(RetryPolicy.exponential(2, Duration.ZERO))
        .build();
    CompletableFuture<String> result = executor.submit(() -> {
      CompletableFuture<String> stage = attempts.incrementAndGet() == 1 ? new CompletableFuture<>() : CompletableFuture.completedFuture("second");
      stages.add(stage);
      return stage;
    }, options);
    assertEquals("second", Await.value(result));
    assertEquals(2, attempts.get());
    assertTrue(stages.get(0).isCancelled(), "the first attempt's stage was cancelled when it ran out of time");
    assertTrue(executor.stats().retried() >= 1);
    assertBalanced(executor);
  }

  @Test
  void aBlockingAttemptThatRunsOutOfTimeIsInterruptedAndFailsWithTimeoutException() {
    AsyncExecutor executor = newExecutor(2);
    AtomicInteger interrupted = new AtomicInteger();
    CompletableFuture<Object> result = executor.submitBlocking(() -> {
      try {
        Thread.sleep(Await.LIMIT.toMillis());
      } catch (InterruptedException e) {
        interrupted.incrementAndGet();
      }
      return "ignored the interrupt and returned";
    }, TaskOptions.builder().attemptTimeout(Duration.ofMillis(50)).build());
    assertInstanceOf(TimeoutException.class, Await.failure(result));
    assertEquals(1, interrupted.get());
    assertBalanced(executor);
  }

  @Test
  void anAttemptTimeoutCountsFromTheAttemptsStartNotFromSubmission() {
    AsyncExecutor executor = newExecutor(1);
    CompletableFuture<Void> gate = new CompletableFuture<>();
    CompletableFuture<Void> blocker = executor.submit(() -> gate);
    CompletableFuture<String> queued = executor.submit(() -> CompletableFuture.completedFuture("in time"),
        TaskOptions.builder().attemptTimeout(Duration.ofMillis(100)).build());
    CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS).execute(() -> gate.complete(null)); // queued 3x its bound
    assertEquals("in time", Await.value(queued));
    Await.done(blocker);
  }

  @Test
  void attemptTimeoutIsValidatedAndAHugeOneMeansNoLimit() {
    assertRejects(IllegalArgumentException.class, "attemptTimeout", () -> TaskOptions.builder().attemptTimeout(Duration.ZERO));
    assertRejects(NullPointerException.class, "attemptTimeout", () -> TaskOptions.builder().attemptTimeout(null));
    AsyncExecutor executor = newExecutor(1);
    TaskOptions forever = TaskOptions.builder().attemptTimeout(Duration.ofSeconds(Long.MAX_VALUE)).build();
    assertEquals(1, Await.value(executor.submit(() -> CompletableFuture.completedFuture(1), forever)));
  }

  @Test
  void cancellationIsNeverRetried() {
    AsyncExecutor executor = newExecutor(1);
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<Object> future = executor.submit(() -> {
      attempts.incrementAndGet();
      throw new CancellationException("no");
    }, retry(RetryPolicy.exponential(5, Duration.ZERO)));
    assertInstanceOf(CancellationException.class, Await.failure(future));
    assertEquals(1, attempts.get());
  }

  @Test
  void retryOnAndAbortOnChooseWhatIsRetried() {
    AsyncExecutor executor = newExecutor(1);
    AtomicInteger attempts = new AtomicInteger();
    RetryPolicy policy = RetryPolicy.exponential(4, Duration.ZERO).retryOn(IOException.class).abortOn(FileNotFoundException.class);
    Await.failure(executor.submit(() -> {
      attempts.incrementAndGet();
      throw new IllegalStateException("not an IOException");
    }, retry(policy)));
    assertEquals(1, attempts.get());
    attempts.set(0);
    Await.failure(executor.submit(() -> {
      attempts.incrementAndGet();
      throw new FileNotFoundException("aborts");
    }, retry(policy)));
    assertEquals(1, attempts.get());
    attempts.set(0);
    Await.failure(executor.submit(() -> {
      attempts.incrementAndGet();
      throw new IOException("retried");
    }, retry(policy)));
    assertEquals(5, attempts.get());
  }

  @Test
  void retryIfChoosesExceptionsByConditionAndAbortOnStillWins() {
    AsyncExecutor executor = newExecutor(1);
    AtomicInteger attempts = new AtomicInteger();
    RetryPolicy policy = RetryPolicy.exponential(3, Duration.ZERO)
        .retryIf(e -> e.getMessage() != null && e.getMessage().startsWith("transient"))
        .abortOn(FileNotFoundException.class);
    Await.failure(executor.submit(() -> {
      attempts.incrementAndGet();
      throw new IOException("permanent");
    }, retry(policy)));
    assertEquals(1, attempts.get(), "retryIf replaces the default of retrying every exception");
    attempts.set(0);
    Await.failure(executor.submit(() -> {
      attempts.incrementAndGet();
      throw new IOException("transient glitch");
    }, retry(policy)));
    assertEquals(4, attempts.get());
    attempts.set(0);
    Await.failure(executor.submit(() -> {
      attempts.incrementAndGet();
      throw new FileNotFoundException("transient but aborts");
    }, retry(policy)));
    assertEquals(1, attempts.get());
  }

  @Test
  void retryIfResultRetriesAValueAndCompletesWithTheLastOneWhenRetriesRunOut() {
    AsyncExecutor executor = newExecutor(2);
    AtomicInteger attempts = new AtomicInteger();
    RetryPolicy on503 = RetryPolicy.exponential(3, Duration.ZERO).retryIfResult(status -> Integer.valueOf(503).equals(status));
    CompletableFuture<Integer> recovers = executor.submit(
        () -> CompletableFuture.completedFuture(attempts.incrementAndGet() < 3 ? 503 : 200), retry(on503));
    assertEquals(200, Await.value(recovers));
    assertEquals(3, attempts.get());
    attempts.set(0);
    CompletableFuture<Integer> staysDown = executor.submitBlocking(() -> {
      attempts.incrementAndGet();
      return 503;
    }, retry(on503));
    assertEquals(503, Await.value(staysDown), "the last value, once the retries ran out");
    assertEquals(4, attempts.get());
    assertEquals(5, assertBalanced(executor).retried());
  }

  @Test
  void retryListenersHearEveryRetryWithItsAttemptAndDelayAndTheFinalFailure() {
    AsyncExecutor executor = newExecutor(1);
    List<RetryEvent> retries = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<RetryEvent> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    IOException last = new IOException("third");
    AtomicInteger attempts = new AtomicInteger();
    RetryPolicy policy = RetryPolicy.exponential(2, Duration.ofMillis(5))
        .onRetry(retries::add)
        .onRetry(e -> {
          throw new IllegalStateException("a broken listener changes nothing");
        })
        .onFailure(failures::add);
    CompletableFuture<Object> future = executor.submit(() -> {
      int n = attempts.incrementAndGet();
      throw n < 3 ? new IOException("attempt " + n) : last;
    }, retry(policy));
    assertSame(last, Await.failure(future));
    assertEquals(2, retries.size(), "told before each retry: " + retries);
    assertEquals(1, retries.get(0).attempt());
    assertEquals("attempt 1", retries.get(0).failure().getMessage());
    assertEquals(Duration.ofMillis(5), retries.get(0).delay());
    assertEquals(2, retries.get(1).attempt());
    assertEquals(Duration.ofMillis(10), retries.get(1).delay());
    assertEquals(1, failures.size(), "told once, when no attempt follows");
    assertEquals(3, failures.get(0).attempt());
    assertSame(last, failures.get(0).failure());
    assertBalanced(executor);
  }

  @Test
  void aRetryPolicyCanBeReadBack() {
    RetryPolicy policy = RetryPolicy.exponential(3, Duration.ofMillis(100)).withMaxDelay(Duration.ofSeconds(1)).withJitter(0.25)
        .retryOn(IOException.class).abortOn(FileNotFoundException.class);
    assertEquals(3, policy.maxRetries());
    assertEquals(Duration.ofMillis(100), policy.initialDelay());
    assertEquals(java.util.Optional.of(Duration.ofSeconds(1)), policy.maxDelay());
    assertEquals(0.25, policy.jitter());
    assertEquals(List.of(IOException.class), policy.retryOnTypes());
    assertEquals(List.of(FileNotFoundException.class), policy.abortOnTypes());
    assertFalse(policy.retriesResults());
    assertTrue(policy.retryIfResult(v -> v == null).retriesResults());
    assertEquals(List.of(Exception.class), RetryPolicy.exponential(1, Duration.ZERO).retryOnTypes(), "every exception by default");
    assertRejects(NullPointerException.class, "condition", () -> policy.retryIf(null));
    assertRejects(NullPointerException.class, "condition", () -> policy.retryIfResult(null));
    assertRejects(NullPointerException.class, "listener", () -> policy.onRetry(null));
    assertRejects(NullPointerException.class, "listener", () -> policy.onFailure(null));
  }

  @Test
  void retriesWaitBetweenAttempts() {
    AsyncExecutor executor = newExecutor(1);
    List<Long> times = new ArrayList<>();
    Await.failure(executor.submit(() -> {
      times.add(System.nanoTime());
      throw new IOException();
    }, retry(RetryPolicy.exponential(2, Duration.ofMillis(20)))));
    assertEquals(3, times.size());
    assertTrue(times.get(1) - times.get(0) >= TimeUnit.MILLISECONDS.toNanos(20), "first back-off >= d");
    assertTrue(times.get(2) - times.get(1) >= TimeUnit.MILLISECONDS.toNanos(40), "second back-off >= 2d");
  }

  @Test
  void aTimeoutFailsWithTimeoutExceptionAndCancelsTheWork() {
    AsyncExecutor executor = newExecutor(1);
    CompletableFuture<String> never = new CompletableFuture<>();
    CompletableFuture<String> future = executor.submit(() -> never, TaskOptions.builder().timeout(Duration.ofMillis(30)).build());
    assertInstanceOf(TimeoutException.class, Await.failure(future));
    assertFalse(future.isCancelled());
    assertTrue(never.isCancelled(), "the work is cancelled by the time the future fails");
  }

  @Test
  void aTimeoutBoundsTheWholeTaskIncludingRetries() {
    AsyncExecutor executor = newExecutor(1);
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<Object> future = executor.submit(() -> {
      attempts.incrementAndGet();
      throw new IOException();
    }, TaskOptions.builder().retry(RetryPolicy.exponential(10, Duration.ofMillis(40))).timeout(Duration.ofMillis(100)).build());
    assertInstanceOf(TimeoutException.class, Await.failure(future));
    assertTrue(attempts.get() < 11, "timed out before all retries");
  }

  @Test
  void aTimedOutBlockingTaskIsInterrupted() {
    AsyncExecutor executor = newExecutor(1);
    // The timeout counts from submission: on a busy machine a round's work may not have started by then, and work
    // that never started has nothing to interrupt (it never runs). Such rounds prove nothing, so another one runs.
    for (int round = 0; round < 20; round++) {
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch interrupted = new CountDownLatch(1);
      CompletableFuture<Object> future = executor.submitBlocking(() -> {
        started.countDown();
        try {
          new CountDownLatch(1).await();
        } catch (InterruptedException e) {
          interrupted.countDown();
        }
        return null;
      }, TaskOptions.builder().timeout(Duration.ofMillis(30)).build());
      assertInstanceOf(TimeoutException.class, Await.failure(future));
      // The future fails at the deadline; the interrupt reaches the work then, and it reacts in its own time. Work
      // that had not started when the task timed out never starts: the task then ends without it.
      Await.until(() -> interrupted.getCount() == 0 || started.getCount() == 1 && executor.stats().running() == 0,
          () -> "the blocking work was interrupted (it " + (started.getCount() == 0 ? "started" : "did not start")
              + "), or never started and its task ended");
      if (started.getCount() == 0) {
        Await.until(() -> interrupted.getCount() == 0, () -> "the blocking work that started was interrupted");
        return;
      }
    }
    fail("in 20 rounds, no work started within its 30 ms timeout");
  }

  @Test
  void aTimedOutTaskFailsAtItsDeadlineWhileWorkThatIgnoresTheInterruptKeepsItsSlot() {
    AsyncExecutor executor = newExecutor(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger interrupts = new AtomicInteger();
    CompletableFuture<String> stubborn = executor.submitBlocking(() -> {
      while (true) {
        try {
          release.await();
          return "late";
        } catch (InterruptedException ignored) {
          interrupts.incrementAndGet(); // and carries on
        }
      }
    }, TaskOptions.builder().timeout(Duration.ofMillis(100)).build());
    assertInstanceOf(TimeoutException.class, Await.failure(stubborn), "fails at its deadline, not when the work gives up");
    Await.until(() -> interrupts.get() > 0, () -> "the work was interrupted");
    assertEquals(1, executor.stats().running(), "the work still runs and holds its slot: " + executor.stats());
    CompletableFuture<String> next = executor.submit(() -> CompletableFuture.completedFuture("next"));
    assertFalse(next.isDone(), "the only slot is still taken by the stubborn work");
    release.countDown();
    assertEquals("next", Await.value(next));
    assertInstanceOf(TimeoutException.class, Await.failure(stubborn), "the late value changes nothing");
    assertEquals(1, assertBalanced(executor).failed());
  }

  @Test
  void aTimedOutStageThatCannotBeCancelledFailsAtItsDeadlineAndKeepsItsPermitUntilItCompletes() {
    AsyncExecutor executor = newExecutor(2);
    AsyncSemaphore semaphore = AsyncSemaphore.create(1);
    CompletableFuture<String> owner = new CompletableFuture<>();
    CompletableFuture<String> future = executor.submit(() -> OddStages.unconvertible(owner),
        TaskOptions.builder().semaphore(semaphore).timeout(Duration.ofMillis(100)).build());
    assertInstanceOf(TimeoutException.class, Await.failure(future), "fails at its deadline though its stage never completes");
    assertEquals(0, semaphore.availablePermits(), "the permit stays taken while the stage runs on");
    owner.complete("late");
    Await.until(() -> semaphore.availablePermits() == 1, () -> "the permit comes back once the stage completed");
    assertInstanceOf(TimeoutException.class, Await.failure(future));
    assertBalanced(executor);
  }

  @Test
  void aSharedSemaphoreBoundsTasksAcrossExecutors() {
    AsyncExecutor a = newExecutor(8);
    AsyncExecutor b = newExecutor(8);
    AsyncSemaphore api = AsyncSemaphore.create(2);
    TaskOptions limited = TaskOptions.builder().semaphore(api).build();
    ConcurrencyProbe probe = new ConcurrencyProbe();
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      int n = i;
      futures.add((i % 2 == 0 ? a : b).submit(() -> {
        probe.enter();
        return CompletableFuture.supplyAsync(() -> n, CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS))
            .whenComplete((v, e) -> probe.exit());
      }, limited));
    }
    futures.forEach(Await::value);
    assertTrue(probe.max() <= 2, "semaphore of 2, saw " + probe.max());
    assertEquals(2, api.availablePermits());
  }

  @Test
  void aSemaphoreNeverAdmitsMoreTasksThanItsPermitsWhateverTheMixOfOutcomes() {
    AsyncExecutor executor = newExecutor(workersUpTo(16));
    AsyncSemaphore api = AsyncSemaphore.create(3);
    TaskOptions limited = TaskOptions.builder().semaphore(api).retry(RetryPolicy.exponential(1, Duration.ZERO)).build();
    ConcurrencyProbe probe = new ConcurrencyProbe();
    List<CompletableFuture<Integer>> futures = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) { // within a bounded runtime's queue
      int n = i;
      AtomicInteger attempts = new AtomicInteger();
      futures.add(switch (i % 4) {
        case 0 -> executor.submit(() -> probe.completeLater(n, 1), limited);
        case 1 -> executor.submit(() -> {
          probe.enter();
          probe.exit();
          return CompletableFuture.completedFuture(n);
        }, limited);
        case 2 -> executor.submit(() -> {
          probe.enter();
          probe.exit();
          return attempts.getAndIncrement() == 0 ? CompletableFuture.failedFuture(new IOException("once")) : probe.completeLater(n, 1);
        }, limited);
        default -> executor.submitBlocking(() -> {
          probe.enter();
          Thread.yield();
          probe.exit();
          return n;
        }, limited);
      });
    }
    for (int i = 0; i < futures.size(); i++) assertEquals(i, Await.value(futures.get(i)));
    assertTrue(probe.max() <= 3, "semaphore of 3, saw " + probe.max());
    assertEquals(3, api.availablePermits());
  }

  @Test
  void aTaskWaitingForASemaphorePermitHoldsNoWorkerSlot() {
    AsyncExecutor executor = newExecutor(1);
    AsyncSemaphore semaphore = AsyncSemaphore.create(1);
    assertTrue(semaphore.tryAcquire());
    CompletableFuture<String> waitsForPermit = executor.submit(() -> CompletableFuture.completedFuture("permit"),
        TaskOptions.builder().semaphore(semaphore).build());
    assertEquals("free", Await.value(executor.submit(() -> CompletableFuture.completedFuture("free"))),
        "the only worker slot is not held by a task waiting for a permit");
    assertFalse(waitsForPermit.isDone());
    semaphore.release();
    assertEquals("permit", Await.value(waitsForPermit));
  }

  @Test
  void thePermitIsNotHeldDuringRetryBackOff() {
    AsyncExecutor executor = newExecutor(2);
    AsyncSemaphore semaphore = AsyncSemaphore.create(1);
    CountDownLatch firstAttemptFailed = new CountDownLatch(1);
    CompletableFuture<Object> flaky = executor.submit(() -> {
      firstAttemptFailed.countDown();
      throw new IOException();
    }, TaskOptions.builder().semaphore(semaphore).retry(RetryPolicy.exponential(1, Duration.ofSeconds(2))).build());
    Await.until(() -> firstAttemptFailed.getCount() == 0, () -> "first attempt failed");
    CompletableFuture<String> other = executor.submit(() -> CompletableFuture.completedFuture("other"),
        TaskOptions.builder().semaphore(semaphore).build());
    assertEquals("other", Await.value(other), "took the permit while the flaky task backs off");
    assertFalse(flaky.isDone());
  }

  @Test
  void permitsComeBackAfterTimeoutsAndCancellations() {
    AsyncExecutor executor = newExecutor(4);
    AsyncSemaphore semaphore = AsyncSemaphore.create(2);
    TaskOptions timed = TaskOptions.builder().semaphore(semaphore).timeout(Duration.ofMillis(20)).build();
    List<CompletableFuture<Object>> futures = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      futures.add(executor.submit(CompletableFuture::new, timed));
    }
    futures.forEach(Await::done);
    // A timed-out future fails at the deadline; its permit comes back once its work has stopped.
    Await.until(() -> semaphore.availablePermits() == 2, () -> "permits back: " + semaphore.availablePermits());
    CompletableFuture<Object> cancelled = executor.submit(CompletableFuture::new, TaskOptions.builder().semaphore(semaphore).build());
    cancelled.cancel(true);
    assertBalanced(executor);
    assertEquals(2, semaphore.availablePermits());
  }

  @Test
  void aLaneBoundsItsOwnTasksWhileOthersRunFreely() {
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(8).lane("gallery", 2));
    TaskOptions gallery = TaskOptions.builder().lane("gallery").build();
    ConcurrencyProbe galleryProbe = new ConcurrencyProbe();
    ConcurrencyProbe all = new ConcurrencyProbe();
    List<CompletableFuture<?>> futures = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      boolean inLane = i % 2 == 0;
      futures.add(executor.submit(() -> {
        all.enter();
        if (inLane) galleryProbe.enter();
        return CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS))
            .whenComplete((v, e) -> {
              if (inLane) galleryProbe.exit();
              all.exit();
            });
      }, inLane ? gallery : TaskOptions.defaults()));
    }
    futures.forEach(Await::value);
    assertTrue(galleryProbe.max() <= 2, "lane of 2, saw " + galleryProbe.max());
    assertTrue(all.max() <= 8);
    assertTrue(all.max() > 2, "tasks off the lane are not held to its limit");
  }

  @Test
  void mapAppliesTaskOptionsToEveryItem() {
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(8).lane("image", 2));
    ConcurrencyProbe probe = new ConcurrencyProbe();
    java.util.Map<Integer, AtomicInteger> attempts = new java.util.concurrent.ConcurrentHashMap<>();
    List<Integer> input = IntStream.range(0, 30).boxed().collect(Collectors.toList());
    MapOptions options = MapOptions.builder()
        .task(TaskOptions.builder().lane("image").retry(RetryPolicy.exponential(1, Duration.ZERO)).build())
        .build();
    List<Integer> result = Await.value(executor.map(i -> {
      probe.enter();
      try {
        int attempt = attempts.computeIfAbsent(i, k -> new AtomicInteger()).incrementAndGet();
        if (i % 3 == 0 && attempt == 1) throw new IOException("item " + i + " fails its first attempt");
        return CompletableFuture.completedFuture(i);
      } finally {
        probe.exit();
      }
    }, input, options));
    assertEquals(input, result);
    assertTrue(probe.max() <= 2, "the lane applies to every item");
    assertEquals(10, executor.stats().retried(), "the retry policy applies to every item");
  }

  @Test
  void taskForGivesEachItemOptionsOfItsOwnInMapMapBlockingAndMapIter() {
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(8).lane("image", 1));
    TaskOptions image = TaskOptions.builder().lane("image").build();
    MapOptions perItem = MapOptions.builder().taskFor((Integer i) -> i % 2 == 0 ? image : TaskOptions.defaults()).build();
    List<Integer> input = IntStream.range(0, 40).boxed().collect(Collectors.toList());
    ConcurrencyProbe evenOnes = new ConcurrencyProbe();
    ConcurrencyProbe oddOnes = new ConcurrencyProbe();
    List<Integer> mapped = Await.value(executor.map(i -> {
      ConcurrencyProbe probe = i % 2 == 0 ? evenOnes : oddOnes;
      probe.enter();
      return CompletableFuture.supplyAsync(() -> i, CompletableFuture.delayedExecutor(2, TimeUnit.MILLISECONDS))
          .whenComplete((v, e) -> probe.exit());
    }, input, perItem));
    assertEquals(input, mapped);
    assertEquals(1, evenOnes.max(), "the items sent to the lane of 1 ran one at a time");
    assertTrue(oddOnes.max() > 1, "the other items ran side by side: " + oddOnes.max());
    ConcurrencyProbe blockingEven = new ConcurrencyProbe();
    assertEquals(input, Await.value(executor.mapBlocking(i -> {
      if (i % 2 == 0) blockingEven.enter();
      Thread.sleep(1);
      if (i % 2 == 0) blockingEven.exit();
      return i;
    }, input, perItem)));
    assertEquals(1, blockingEven.max());
    ConcurrencyProbe streamedEven = new ConcurrencyProbe();
    try (java.util.stream.Stream<Integer> stream = executor.mapIter(i -> {
      if (i % 2 == 0) streamedEven.enter();
      return CompletableFuture.supplyAsync(() -> i, CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS))
          .whenComplete((v, e) -> {
            if (i % 2 == 0) streamedEven.exit();
          });
    }, input, perItem)) {
      assertEquals(input, stream.toList());
    }
    assertEquals(1, streamedEven.max());
    assertBalanced(executor);
  }

  @Test
  void anItemWhoseChooserFailsFailsTheBatchWithThatException() {
    AsyncExecutor executor = newExecutor(4);
    IllegalStateException chooserBroke = new IllegalStateException("no options for 3");
    MapOptions broken = MapOptions.builder().taskFor((Integer i) -> {
      if (i == 3) throw chooserBroke;
      return TaskOptions.defaults();
    }).build();
    assertSame(chooserBroke, Await.failure(executor.map(CompletableFuture::completedFuture, range(6), broken)));
    MapOptions unknownLane = MapOptions.builder().taskFor((Integer i) -> TaskOptions.builder().lane("nowhere").build()).build();
    assertInstanceOf(IllegalArgumentException.class, Await.failure(executor.mapBlocking(i -> i, range(3), unknownLane)));
    MapOptions nothing = MapOptions.builder().taskFor((Integer i) -> null).build();
    try (java.util.stream.Stream<Integer> stream = executor.mapIter(CompletableFuture::completedFuture, range(3), nothing)) {
      assertThrows(NullPointerException.class, stream::toList);
    }
    assertRejects(NullPointerException.class, "chooser", () -> MapOptions.builder().taskFor(null));
    assertBalanced(executor);
  }

  @Test
  void badPolicyArgumentsAreRefusedNamingTheParameter() {
    assertRejects(IllegalArgumentException.class, "retries", () -> RetryPolicy.exponential(-1, Duration.ZERO));
    assertRejects(IllegalArgumentException.class, "initialDelay", () -> RetryPolicy.exponential(1, Duration.ofMillis(-1)));
    assertRejects(NullPointerException.class, "initialDelay", () -> RetryPolicy.exponential(1, null));
    assertRejects(IllegalArgumentException.class, "fraction", () -> RetryPolicy.none().withJitter(1.5));
    assertRejects(IllegalArgumentException.class, "max", () -> RetryPolicy.none().withMaxDelay(Duration.ofMillis(-1)));
    assertRejects(IllegalArgumentException.class, "timeout", () -> TaskOptions.builder().timeout(Duration.ofSeconds(-1)));
    assertRejects(NullPointerException.class, "semaphore", () -> TaskOptions.builder().semaphore(null));
    assertRejects(IllegalArgumentException.class, "permits", () -> AsyncSemaphore.create(-1));
  }

  /** About 292 billion years: more nanoseconds than a {@code long} holds. */
  private static final Duration TOO_LONG_TO_COUNT = Duration.ofSeconds(Long.MAX_VALUE);

  @Test
  void aDurationTooLargeToCountMeansNoLimitInEveryOption() {
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(workersUpTo(4)).detectStalls(TOO_LONG_TO_COUNT));
    TaskOptions unlimited = TaskOptions.builder().timeout(TOO_LONG_TO_COUNT).attemptTimeout(TOO_LONG_TO_COUNT).build();
    assertTrue(unlimited.timeout().isEmpty() && unlimited.attemptTimeout().isEmpty(), "no limit: " + unlimited);
    assertEquals("done", Await.value(executor.submit(() -> CompletableFuture.completedFuture("done"), unlimited)));
    assertEquals("blocking", Await.value(executor.submitBlocking(() -> "blocking", unlimited)));

    MapOptions batch = MapOptions.builder().timeout(TOO_LONG_TO_COUNT).build();
    assertTrue(batch.timeout().isEmpty());
    assertEquals(List.of(1, 2), Await.value(executor.map(i -> CompletableFuture.completedFuture(i), List.of(1, 2), batch)));
    assertEquals(List.of(3), executor.mapIter(i -> CompletableFuture.completedFuture(i), List.of(3), batch).collect(Collectors.toList()));

    dev.corobridge.ScopeOptions scope = dev.corobridge.ScopeOptions.builder().deadline(TOO_LONG_TO_COUNT).build();
    assertTrue(scope.deadline().isEmpty());
    assertEquals("scoped", Await.value(executor.scoped(scope, s -> s.fork(() -> CompletableFuture.completedFuture("scoped")))));

    CompletableFuture<String> waited = CompletableFuture.completedFuture("x");
    assertEquals(1, Await.value(executor.waitFor(List.of(waited), dev.corobridge.WaitStrategy.ALL_COMPLETED, TOO_LONG_TO_COUNT)).done().size());
  }

  @Test
  void aRetryDelayTooLargeToCountWaitsForeverUntilCancelledAndLeavesNothingBehind() {
    AsyncExecutor executor = newExecutor(workersUpTo(2));
    AtomicInteger attempts = new AtomicInteger();
    CompletableFuture<Object> never = executor.submit(() -> {
      attempts.incrementAndGet();
      return CompletableFuture.failedFuture(new IOException("try again in 292 years"));
    }, TaskOptions.builder().retry(RetryPolicy.exponential(1, TOO_LONG_TO_COUNT)).build());
    Await.until(() -> attempts.get() == 1 && executor.stats().retried() == 1, () -> "the first attempt failed: " + executor.stats());
    assertFalse(never.isDone(), "waiting for the retry");
    never.cancel(true);
    Await.finishes(executor::close, "close after cancelling the waiting retry");
    assertEquals(1, attempts.get());
    assertBalanced(executor);

    AsyncExecutor capped = newExecutor(workersUpTo(2));
    AtomicInteger tries = new AtomicInteger();
    RetryPolicy policy = RetryPolicy.exponential(2, Duration.ofMillis(1)).withMaxDelay(TOO_LONG_TO_COUNT);
    assertEquals("third time", Await.value(capped.submit(() -> tries.incrementAndGet() < 3
        ? CompletableFuture.failedFuture(new IOException("again"))
        : CompletableFuture.completedFuture("third time"), TaskOptions.builder().retry(policy).build())));
  }

  @Test
  void aPolicyAllowingIntegerMaxValueRetriesCostsNothingUntilItRetries() {
    AsyncExecutor executor = newExecutor(workersUpTo(2));
    AtomicInteger tries = new AtomicInteger();
    RetryPolicy many = RetryPolicy.exponential(Integer.MAX_VALUE, Duration.ZERO);
    assertEquals(Integer.MAX_VALUE, many.maxRetries());
    assertEquals("fifth", Await.value(executor.submit(() -> tries.incrementAndGet() < 5
        ? CompletableFuture.failedFuture(new IOException("again"))
        : CompletableFuture.completedFuture("fifth"), TaskOptions.builder().retry(many).build())));
    assertEquals(4, executor.stats().retried());
  }

  @Test
  void laneStatsShowEachLanesPermitsHeldAndTasksWaitingInDeclarationOrder() throws Exception {
    AsyncExecutor executor = newExecutor(b -> b.maxWorkers(workersUpTo(4)).lane("narrow", 1).lane("wide", 3));
    assertEquals(List.of(new LaneStats("narrow", 1, 0, 0), new LaneStats("wide", 3, 0, 0)), executor.laneStats());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    TaskOptions narrow = TaskOptions.builder().lane("narrow").build();
    List<CompletableFuture<?>> tasks = new ArrayList<>();
    tasks.add(executor.submitBlocking(() -> {
      running.countDown();
      return release.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    }, narrow));
    assertTrue(running.await(Await.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
    tasks.add(executor.submitBlocking(() -> 2, narrow));
    tasks.add(executor.submit(() -> CompletableFuture.completedFuture(3), narrow));
    Await.until(() -> executor.laneStats().get(0).equals(new LaneStats("narrow", 1, 1, 2)),
        () -> "one task holds the narrow lane and two wait: " + executor.laneStats());
    assertEquals(new LaneStats("wide", 3, 0, 0), executor.laneStats().get(1));
    release.countDown();
    for (CompletableFuture<?> task : tasks) Await.done(task);
    Await.until(() -> executor.laneStats().get(0).equals(new LaneStats("narrow", 1, 0, 0)),
        () -> "every permit back, nobody waiting: " + executor.laneStats());
  }

  @Test
  void aSharedSemaphoreTellsHowManyRequestsWait() {
    AsyncSemaphore semaphore = AsyncSemaphore.create(1);
    assertEquals(0, semaphore.queueLength());
    assertTrue(semaphore.acquire().isDone());
    CompletableFuture<Void> second = semaphore.acquire();
    CompletableFuture<Void> third = semaphore.acquire();
    assertEquals(2, semaphore.queueLength());
    semaphore.release();
    assertTrue(second.isDone());
    assertEquals(1, semaphore.queueLength());
    semaphore.release();
    assertTrue(third.isDone());
    assertEquals(0, semaphore.queueLength());
    semaphore.release();
  }
}
