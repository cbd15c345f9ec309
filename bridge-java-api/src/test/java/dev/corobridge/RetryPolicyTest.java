// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final long MS = 1_000_000L;

  @Test
  void exponentialDelaysDoubleFromTheInitialDelay() {
    RetryPolicy policy = RetryPolicy.exponential(4, Duration.ofMillis(100));
    assertEquals(4, policy.maxRetries());
    assertEquals(100 * MS, policy.delayNanosBeforeRetry(1));
    assertEquals(200 * MS, policy.delayNanosBeforeRetry(2));
    assertEquals(400 * MS, policy.delayNanosBeforeRetry(3));
    assertEquals(800 * MS, policy.delayNanosBeforeRetry(4));
  }

  @Test
  void maxDelayCapsEveryWaitAndHugeRetryNumbersDoNotOverflow() {
    RetryPolicy policy = RetryPolicy.exponential(100, Duration.ofMillis(100)).withMaxDelay(Duration.ofMillis(250));
    assertEquals(100 * MS, policy.delayNanosBeforeRetry(1));
    assertEquals(250 * MS, policy.delayNanosBeforeRetry(3));
    assertEquals(250 * MS, policy.delayNanosBeforeRetry(100));
    assertTrue(RetryPolicy.exponential(100, Duration.ofDays(1)).delayNanosBeforeRetry(99) > 0);
  }

  @Test
  void jitterKeepsEachWaitWithinTheFraction() {
    RetryPolicy policy = RetryPolicy.exponential(1, Duration.ofMillis(100)).withJitter(0.2);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 2_000; i++) {
      long d = policy.delayNanosBeforeRetry(1);
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertTrue(min >= 80 * MS && max <= 120 * MS, "within ±20%: " + min + ".." + max);
    assertTrue(max - min > 10 * MS, "and really varies");
  }

  @Test
  void everyExceptionButNoErrorOrCancellationIsRetriedByDefault() {
    RetryPolicy policy = RetryPolicy.exponential(1, Duration.ZERO);
    assertTrue(policy.shouldRetry(new IOException()));
    assertTrue(policy.shouldRetry(new IllegalStateException()));
    assertFalse(policy.shouldRetry(new AssertionError()));
    assertFalse(policy.shouldRetry(new CancellationException()));
  }

  @Test
  void abortOnWinsOverRetryOn() {
    RetryPolicy policy = RetryPolicy.exponential(1, Duration.ZERO).retryOn(IOException.class).abortOn(FileNotFoundException.class);
    assertTrue(policy.shouldRetry(new IOException()));
    assertFalse(policy.shouldRetry(new FileNotFoundException()));
    assertFalse(policy.shouldRetry(new IllegalStateException()));
  }

  @Test
  void aPolicyOfCountsDurationsAndTypesCarriesNoCodeButConditionsAndListenersDo() {
    RetryPolicy data = RetryPolicy.exponential(3, Duration.ofMillis(100)).withMaxDelay(Duration.ofSeconds(1)).withJitter(0.2)
        .retryOn(IOException.class).abortOn(FileNotFoundException.class);
    assertFalse(data.carriesCode());
    assertFalse(RetryPolicy.none().carriesCode());
    assertTrue(data.retryIf(e -> true).carriesCode());
    assertTrue(data.retryIfResult(v -> v == null).carriesCode());
    assertTrue(data.onRetry(event -> { }).carriesCode());
    assertTrue(data.onFailure(event -> { }).carriesCode());
  }

  @Test
  void toStringReadsLikeTheCodeThatBuiltIt() {
    assertEquals("RetryPolicy.none()", RetryPolicy.none().toString());
    assertEquals("RetryPolicy.exponential(3, PT0.1S).withMaxDelay(PT1S).retryOn(IOException)",
        RetryPolicy.exponential(3, Duration.ofMillis(100)).withMaxDelay(Duration.ofSeconds(1)).retryOn(IOException.class).toString());
  }
}
