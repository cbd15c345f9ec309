// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.ExecutorStats;
import dev.corobridge.runtime.ManualExecutor;
import dev.corobridge.test.ExecutorChecks;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * How to test retry-with-back-off without sleeping: hand the code under test a {@link ManualExecutor}
 * and move its virtual clock. Each test takes microseconds and runs the same way every time.
 */
class QuoteServiceTest {
  private final ManualExecutor executor = ManualExecutor.create(4);
  private final List<Duration> attempts = new ArrayList<>();

  private QuoteService serviceFailing(int times) {
    return new QuoteService(executor, QuoteService.flaky(times, 101.5, () -> attempts.add(executor.currentTime())));
  }

  @Test
  void retriesAfterOneTwoAndFourSecondsThenSucceeds() {
    CompletableFuture<Double> quote = serviceFailing(3).quote();
    executor.runUntilIdle();
    assertEquals(List.of(Duration.ZERO), attempts);
    executor.advanceTimeBy(Duration.ofMillis(999));
    assertEquals(1, attempts.size(), "no retry before the first second of back-off is over");
    executor.advanceTimeBy(Duration.ofMillis(1));
    assertEquals(2, attempts.size());
    executor.advanceTimeBy(Duration.ofSeconds(10));
    assertEquals(List.of(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(7)), attempts);
    assertEquals(101.5, quote.join());
  }

  @Test
  void givesUpAfterThreeRetriesWithTheLastFailureAndTheEarlierOnesSuppressed() {
    CompletableFuture<Double> quote = serviceFailing(10).quote();
    executor.advanceTimeBy(Duration.ofSeconds(7));
    IOException last = assertInstanceOf(IOException.class, assertThrows(CompletionException.class, quote::join).getCause());
    assertEquals("upstream unavailable (call 4)", last.getMessage());
    assertEquals(3, last.getSuppressed().length);
  }

  @Test
  void theExecutorCountsOneFailedCallAndItsThreeRetriesOnceTheServiceGaveUp() {
    CompletableFuture<Double> quote = serviceFailing(10).quote();
    executor.advanceTimeBy(Duration.ofSeconds(7));
    assertTrue(quote.isCompletedExceptionally());
    ExecutorStats stats = ExecutorChecks.awaitBalanced(executor, Duration.ZERO); // bridge-test: nothing left running
    assertEquals(1, stats.submitted());
    assertEquals(1, stats.failed());
    assertEquals(3, stats.retried());
  }

  @Test
  void theOverallTimeoutEndsAHangingUpstream() {
    QuoteService hanging = new QuoteService(executor, CompletableFuture::new);
    CompletableFuture<Double> quote = hanging.quote();
    executor.advanceTimeBy(Duration.ofSeconds(29));
    assertFalse(quote.isDone());
    executor.advanceTimeBy(Duration.ofSeconds(1));
    assertInstanceOf(TimeoutException.class, assertThrows(CompletionException.class, quote::join).getCause());
  }
}
