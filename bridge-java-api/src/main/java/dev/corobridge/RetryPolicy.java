// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import dev.corobridge.internal.Checks;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When and how often a failed task is tried again. Immutable and thread-safe: every {@code with…}
 * method returns a new policy.
 *
 * <pre>{@code
 * RetryPolicy policy = RetryPolicy.exponential(3, Duration.ofMillis(100)) // 4 attempts; waits 100, 200, 400 ms
 *     .withMaxDelay(Duration.ofSeconds(1))
 *     .withJitter(0.2)                                                   // each wait varies by ±20%
 *     .retryOn(IOException.class)
 *     .abortOn(FileNotFoundException.class);
 * }</pre>
 *
 * <p>When every attempt fails, the task fails with the <em>last</em> attempt's own exception; the
 * earlier attempts' exceptions are attached to it as {@linkplain Throwable#getSuppressed() suppressed}.
 * A {@link CancellationException} is never retried, nor is an exception the policy does not retry on:
 * by default every {@link Exception} is retried and no {@link Error} is. {@code abortOn} wins over
 * {@code retryOn}. No thread is held and no permit is kept during back-off.
 */
public final class RetryPolicy {
  private static final List<Class<? extends Throwable>> ANY_EXCEPTION = List.of(Exception.class);
  private static final RetryPolicy NONE =
      new RetryPolicy(0, Duration.ZERO, null, 0.0, ANY_EXCEPTION, List.of());

  private final int retries;
  private final Duration initialDelay;
  private final Duration maxDelay;
  private final double jitter;
  private final List<Class<? extends Throwable>> retryOn;
  private final List<Class<? extends Throwable>> abortOn;

  private RetryPolicy(int retries, Duration initialDelay, Duration maxDelay, double jitter,
                      List<Class<? extends Throwable>> retryOn, List<Class<? extends Throwable>> abortOn) {
    this.retries = retries;
    this.initialDelay = initialDelay;
    this.maxDelay = maxDelay;
    this.jitter = jitter;
    this.retryOn = retryOn;
    this.abortOn = abortOn;
  }

  /**
   * Returns the policy that never retries.
   *
   * @return the policy without retries
   */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * Returns a policy that makes at most {@code retries + 1} attempts, waiting {@code d}, {@code 2d},
   * {@code 4d}, ... before the retries.
   *
   * @param retries      how many times to retry, {@code >= 0}
   * @param initialDelay the wait before the first retry, {@code >= 0}
   * @return the policy
   * @throws IllegalArgumentException if {@code retries < 0} or {@code initialDelay} is negative
   * @throws NullPointerException     if {@code initialDelay} is null
   */
  public static RetryPolicy exponential(int retries, Duration initialDelay) {
    Checks.atLeast(retries, 0, "retries");
    Checks.nonNegative(initialDelay, "initialDelay");
    return new RetryPolicy(retries, initialDelay, null, 0.0, ANY_EXCEPTION, List.of());
  }

  /**
   * Returns a copy whose waits never exceed {@code max}.
   *
   * @param max the longest wait before a retry
   * @return the new policy
   * @throws IllegalArgumentException if {@code max} is negative
   * @throws NullPointerException     if {@code max} is null
   */
  public RetryPolicy withMaxDelay(Duration max) {
    Checks.nonNegative(max, "max");
    return new RetryPolicy(retries, initialDelay, Checks.isUnlimited(max) ? null : max, jitter, retryOn, abortOn);
  }

  /**
   * Returns a copy whose waits vary at random by up to {@code fraction} of their length either way
   * (still capped by the maximum delay).
   *
   * @param fraction from 0 (no jitter) to 1
   * @return the new policy
   * @throws IllegalArgumentException if {@code fraction} is not within 0..1
   */
  public RetryPolicy withJitter(double fraction) {
    if (!(fraction >= 0.0 && fraction <= 1.0)) {
      throw new IllegalArgumentException("fraction must be within 0..1, was " + fraction);
    }
    return new RetryPolicy(retries, initialDelay, maxDelay, fraction, retryOn, abortOn);
  }

  /**
   * Returns a copy that retries only exceptions of the given types (and their subtypes).
   *
   * @param types the exception types that may be retried
   * @return the new policy
   * @throws IllegalArgumentException if no type is given
   * @throws NullPointerException     if {@code types} or one of them is null
   */
  @SafeVarargs
  public final RetryPolicy retryOn(Class<? extends Throwable>... types) {
    return new RetryPolicy(retries, initialDelay, maxDelay, jitter, typeList(types, "retryOn"), abortOn);
  }

  /**
   * Returns a copy that never retries exceptions of the given types (and their subtypes), even when
   * {@link #retryOn} would.
   *
   * @param types the exception types that are never retried
   * @return the new policy
   * @throws IllegalArgumentException if no type is given
   * @throws NullPointerException     if {@code types} or one of them is null
   */
  @SafeVarargs
  public final RetryPolicy abortOn(Class<? extends Throwable>... types) {
    return new RetryPolicy(retries, initialDelay, maxDelay, jitter, retryOn, typeList(types, "abortOn"));
  }

  /**
   * How many retries at most: an attempt count of {@code maxRetries() + 1}.
   *
   * @return the most retries, {@code >= 0}
   */
  public int maxRetries() {
    return retries;
  }

  /**
   * Whether an attempt that failed with {@code failure} may be retried (given retries are left).
   * Never for a {@link CancellationException}.
   *
   * @param failure the exception the attempt failed with
   * @return whether the policy allows a retry of it
   */
  public boolean shouldRetry(Throwable failure) {
    if (failure instanceof CancellationException) return false;
    for (Class<? extends Throwable> type : abortOn) {
      if (type.isInstance(failure)) return false;
    }
    for (Class<? extends Throwable> type : retryOn) {
      if (type.isInstance(failure)) return true;
    }
    return false;
  }

  /**
   * The wait before retry number {@code retry} (1 for the first retry), in nanoseconds, jitter applied.
   *
   * @param retry the number of the retry about to happen, from 1
   * @return the wait in nanoseconds, {@code >= 0}
   * @throws IllegalArgumentException if {@code retry < 1}
   */
  public long delayNanosBeforeRetry(int retry) {
    Checks.atLeast(retry, 1, "retry");
    long base = Checks.saturatedNanos(initialDelay);
    int shift = Math.min(retry - 1, 62);
    long delay = base > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : base << shift;
    if (jitter > 0.0 && delay > 0) {
      double factor = 1.0 + jitter * (2.0 * ThreadLocalRandom.current().nextDouble() - 1.0);
      delay = (long) Math.min(Long.MAX_VALUE, delay * factor);
    }
    if (maxDelay != null) delay = Math.min(delay, maxDelay.toNanos()); // a maxDelay too large to count is none
    return delay;
  }

  @Override
  public String toString() {
    if (this == NONE) return "RetryPolicy.none()";
    return "RetryPolicy.exponential(" + retries + ", " + initialDelay + ")"
        + (maxDelay == null ? "" : ".withMaxDelay(" + maxDelay + ")")
        + (jitter == 0.0 ? "" : ".withJitter(" + jitter + ")")
        + (retryOn.equals(ANY_EXCEPTION) ? "" : ".retryOn(" + names(retryOn) + ")")
        + (abortOn.isEmpty() ? "" : ".abortOn(" + names(abortOn) + ")");
  }

  private static String names(List<Class<? extends Throwable>> types) {
    StringBuilder s = new StringBuilder();
    for (Class<? extends Throwable> t : types) {
      if (s.length() > 0) s.append(", ");
      s.append(t.getSimpleName());
    }
    return s.toString();
  }

  private static List<Class<? extends Throwable>> typeList(Class<? extends Throwable>[] types, String name) {
    Checks.notNull(types, name);
    if (types.length == 0) throw new IllegalArgumentException(name + " needs at least one exception type");
    for (int i = 0; i < types.length; i++) Checks.notNull(types[i], name + "[" + i + "]");
    return List.copyOf(Arrays.asList(types));
  }
}
