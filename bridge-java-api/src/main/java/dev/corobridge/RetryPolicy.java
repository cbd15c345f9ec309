// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import dev.corobridge.internal.Checks;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

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
 * by default every {@link Exception} is retried and no {@link Error} is. {@code retryOn} (types) and
 * {@code retryIf} (a condition) choose the exceptions to retry instead, either sufficing; {@code abortOn}
 * wins over both. {@link #retryIfResult} retries an attempt that <em>returned</em> a value such as an HTTP
 * 503; when the retries run out the task completes with the last such value. No thread is held and no
 * permit is kept during back-off.
 *
 * <p>Listeners ({@link #onRetry}, {@link #onFailure}) are told about attempts that did not succeed, on
 * the thread that saw the attempt end; one that throws is logged and changes nothing. Every runtime
 * decides through {@link #retryDelayNanos}, so they agree by construction.
 */
public final class RetryPolicy {
  private static final List<Class<? extends Throwable>> ANY_EXCEPTION = List.of(Exception.class);
  private static final System.Logger LOG = System.getLogger("dev.corobridge");
  private static final RetryPolicy NONE =
      new RetryPolicy(0, Duration.ZERO, null, 0.0, ANY_EXCEPTION, List.of(), List.of(), List.of(), List.of(), List.of());

  private final int retries;
  private final Duration initialDelay;
  private final @Nullable Duration maxDelay;
  private final double jitter;
  private final List<Class<? extends Throwable>> retryOn;
  private final List<Class<? extends Throwable>> abortOn;
  private final List<Predicate<? super Throwable>> retryIf;
  private final List<Predicate<@Nullable Object>> retryIfResult;
  private final List<Consumer<? super RetryEvent>> onRetry;
  private final List<Consumer<? super RetryEvent>> onFailure;

  private RetryPolicy(int retries, Duration initialDelay, Duration maxDelay, double jitter,
                      List<Class<? extends Throwable>> retryOn, List<Class<? extends Throwable>> abortOn,
                      List<Predicate<? super Throwable>> retryIf, List<Predicate<@Nullable Object>> retryIfResult,
                      List<Consumer<? super RetryEvent>> onRetry, List<Consumer<? super RetryEvent>> onFailure) {
    this.retries = retries;
    this.initialDelay = initialDelay;
    this.maxDelay = maxDelay;
    this.jitter = jitter;
    this.retryOn = retryOn;
    this.abortOn = abortOn;
    this.retryIf = retryIf;
    this.retryIfResult = retryIfResult;
    this.onRetry = onRetry;
    this.onFailure = onFailure;
  }

  private RetryPolicy with(int retries, Duration initialDelay, Duration maxDelay, double jitter,
                           List<Class<? extends Throwable>> retryOn, List<Class<? extends Throwable>> abortOn) {
    return new RetryPolicy(retries, initialDelay, maxDelay, jitter, retryOn, abortOn, retryIf, retryIfResult, onRetry, onFailure);
  }

  private static <T> List<T> plus(List<T> list, T element) {
    Object[] grown = list.toArray(new Object[list.size() + 1]);
    grown[list.size()] = element;
    @SuppressWarnings("unchecked") List<T> copy = (List<T>) List.of(grown);
    return copy;
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
    return NONE.with(retries, initialDelay, null, 0.0, ANY_EXCEPTION, List.of());
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
    return with(retries, initialDelay, Checks.isUnlimited(max) ? null : max, jitter, retryOn, abortOn);
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
    return with(retries, initialDelay, maxDelay, fraction, retryOn, abortOn);
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
    return with(retries, initialDelay, maxDelay, jitter, typeList(types, "retryOn"), abortOn);
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
    return with(retries, initialDelay, maxDelay, jitter, retryOn, typeList(types, "abortOn"));
  }

  /**
   * Returns a copy that retries the exceptions for which {@code condition} holds. Like {@link #retryOn},
   * it replaces the default of retrying every {@link Exception}; an exception is retried when it is of a
   * {@code retryOn} type or meets a {@code retryIf} condition, and {@link #abortOn} wins over both. A
   * condition that throws counts as "no" and is logged.
   *
   * @param condition whether an exception may be retried
   * @return the new policy
   * @throws NullPointerException if {@code condition} is null
   */
  public RetryPolicy retryIf(Predicate<? super Throwable> condition) {
    Checks.notNull(condition, "condition");
    return new RetryPolicy(retries, initialDelay, maxDelay, jitter, retryOn == ANY_EXCEPTION ? List.of() : retryOn, abortOn,
        plus(retryIf, condition), retryIfResult, onRetry, onFailure);
  }

  /**
   * Returns a copy that also retries an attempt that <em>succeeded</em> with a value for which
   * {@code condition} holds (an HTTP 503, an empty page). When the retries run out, the task completes
   * with the last value. The value is given as it is, possibly null; a condition that throws counts as
   * "no" and is logged.
   *
   * @param condition whether a value calls for another attempt
   * @return the new policy
   * @throws NullPointerException if {@code condition} is null
   */
  public RetryPolicy retryIfResult(Predicate<@Nullable Object> condition) {
    Checks.notNull(condition, "condition");
    return new RetryPolicy(retries, initialDelay, maxDelay, jitter, retryOn, abortOn, retryIf, plus(retryIfResult, condition), onRetry, onFailure);
  }

  /**
   * Returns a copy that tells {@code listener} about each retry, before its back-off: the attempt that
   * ended, how, and the wait chosen.
   *
   * @param listener told about each retry
   * @return the new policy
   * @throws NullPointerException if {@code listener} is null
   */
  public RetryPolicy onRetry(Consumer<? super RetryEvent> listener) {
    Checks.notNull(listener, "listener");
    return new RetryPolicy(retries, initialDelay, maxDelay, jitter, retryOn, abortOn, retryIf, retryIfResult, plus(onRetry, listener), onFailure);
  }

  /**
   * Returns a copy that tells {@code listener} about the attempt after which no other follows although
   * it did not succeed: it failed with an exception the policy does not retry, or the retries ran out.
   * Not told about a cancellation, nor about a task's timeout, which end the task from outside.
   *
   * @param listener told about the last, unsuccessful attempt
   * @return the new policy
   * @throws NullPointerException if {@code listener} is null
   */
  public RetryPolicy onFailure(Consumer<? super RetryEvent> listener) {
    Checks.notNull(listener, "listener");
    return new RetryPolicy(retries, initialDelay, maxDelay, jitter, retryOn, abortOn, retryIf, retryIfResult, onRetry, plus(onFailure, listener));
  }

  /**
   * The wait before the first retry.
   *
   * @return the initial delay; {@link Duration#ZERO} for {@link #none()}
   */
  public Duration initialDelay() {
    return initialDelay;
  }

  /**
   * The cap on every wait, if any.
   *
   * @return the longest wait, or empty for no cap
   */
  public Optional<Duration> maxDelay() {
    return Optional.ofNullable(maxDelay);
  }

  /**
   * How much each wait varies at random, either way.
   *
   * @return the fraction, from 0 (none) to 1
   */
  public double jitter() {
    return jitter;
  }

  /**
   * The exception types retried (with their subtypes), unless {@link #abortOnTypes()} says otherwise.
   *
   * @return the types, by default {@code [Exception]}; empty when only {@link #retryIf} conditions choose
   */
  public List<Class<? extends Throwable>> retryOnTypes() {
    return retryOn;
  }

  /**
   * The exception types never retried (with their subtypes).
   *
   * @return the types, empty by default
   */
  public List<Class<? extends Throwable>> abortOnTypes() {
    return abortOn;
  }

  /**
   * Whether some attempts that return a value may be retried ({@link #retryIfResult}).
   *
   * @return whether the policy looks at values
   */
  public boolean retriesResults() {
    return !retryIfResult.isEmpty();
  }

  /**
   * Whether the policy holds code its getters cannot describe: {@link #retryIf} or {@link #retryIfResult}
   * conditions, {@link #onRetry} or {@link #onFailure} listeners. A policy without code is plain data
   * (counts, durations, exception types) that another process can rebuild from the getters, as a job
   * engine that stores a task's retry settings does.
   *
   * @return whether the policy carries conditions or listeners
   */
  public boolean carriesCode() {
    return !retryIf.isEmpty() || !retryIfResult.isEmpty() || !onRetry.isEmpty() || !onFailure.isEmpty();
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
    if (failure instanceof CancellationException || failure instanceof Error || failure instanceof TaskPanicException) return false;
    for (Class<? extends Throwable> type : abortOn) {
      if (type.isInstance(failure)) return false;
    }
    for (Class<? extends Throwable> type : retryOn) {
      if (type.isInstance(failure)) return true;
    }
    for (Predicate<? super Throwable> condition : retryIf) {
      if (holds(condition, failure)) return true;
    }
    return false;
  }

  /**
   * Whether an attempt that returned {@code result} calls for another attempt (given retries are left).
   *
   * @param result the value the attempt returned, possibly null
   * @return whether a {@link #retryIfResult} condition holds for it
   */
  public boolean shouldRetryResult(@Nullable Object result) {
    for (Predicate<@Nullable Object> condition : retryIfResult) {
      if (holds(condition, result)) return true;
    }
    return false;
  }

  private static <T> boolean holds(Predicate<? super T> condition, T value) {
    try {
      return condition.test(value);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "a retry condition threw; taken as \"do not retry\"", e);
      return false;
    }
  }

  /**
   * Decides what follows attempt number {@code attempt} of a task, the rule every runtime applies: the
   * wait in nanoseconds before the next attempt, or {@code -1} if none follows (the attempt succeeded with
   * a value the policy does not retry, its failure is not retried, or the retries ran out). Tells the
   * listeners: {@link #onRetry} when another attempt follows, {@link #onFailure} when none does after an
   * unsuccessful attempt. A runtime calls it once per attempt that ended by itself, never for a
   * cancellation or a task's timeout, and never while holding a lock.
   *
   * @param attempt the number of the attempt that ended, from 1
   * @param result  the value it returned, if {@code failure} is null
   * @param failure the exception it failed with, or null if it returned a value
   * @return the wait before the next attempt in nanoseconds, or {@code -1} for none
   * @throws IllegalArgumentException if {@code attempt < 1}
   */
  public long retryDelayNanos(int attempt, @Nullable Object result, @Nullable Throwable failure) {
    Checks.atLeast(attempt, 1, "attempt");
    boolean unsuccessful = failure != null ? !(failure instanceof CancellationException) : shouldRetryResult(result);
    if (!unsuccessful) return -1;
    if (attempt <= retries && (failure == null || shouldRetry(failure))) {
      long delay = delayNanosBeforeRetry(attempt);
      tell(onRetry, attempt, result, failure, delay);
      return delay;
    }
    tell(onFailure, attempt, result, failure, 0);
    return -1;
  }

  private static void tell(List<Consumer<? super RetryEvent>> listeners, int attempt, Object result, Throwable failure, long delayNanos) {
    if (listeners.isEmpty()) return;
    RetryEvent event = new RetryEvent(attempt, failure, failure == null ? result : null, Duration.ofNanos(delayNanos));
    for (Consumer<? super RetryEvent> listener : listeners) {
      try {
        listener.accept(event);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "a retry listener threw; ignored", e);
      }
    }
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
        + (retryOn.equals(ANY_EXCEPTION) || retryOn.isEmpty() ? "" : ".retryOn(" + names(retryOn) + ")")
        + (abortOn.isEmpty() ? "" : ".abortOn(" + names(abortOn) + ")")
        + (retryIf.isEmpty() ? "" : ".retryIf(" + retryIf.size() + " condition(s))")
        + (retryIfResult.isEmpty() ? "" : ".retryIfResult(" + retryIfResult.size() + " condition(s))")
        + (onRetry.isEmpty() ? "" : ".onRetry(" + onRetry.size() + ")")
        + (onFailure.isEmpty() ? "" : ".onFailure(" + onFailure.size() + ")");
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
