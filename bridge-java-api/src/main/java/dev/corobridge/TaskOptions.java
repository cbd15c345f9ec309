// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import dev.corobridge.internal.Checks;
import java.time.Duration;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * How one task runs: on which lane, with which retry policy, timeout and shared semaphore, under
 * which name. Immutable and thread-safe; build one with {@link #builder()} and share it freely.
 *
 * <pre>{@code
 * TaskOptions options = TaskOptions.builder()
 *     .lane("image")
 *     .retry(RetryPolicy.exponential(3, Duration.ofMillis(100)))
 *     .timeout(Duration.ofSeconds(5))
 *     .semaphore(apiLimit)
 *     .build();
 * executor.submit(() -> fetch(url), options);
 * }</pre>
 *
 * <p>The timeout bounds the whole task, counted from submission (for {@code map} items, from the
 * moment the item is taken up): waiting for a slot, every attempt and every back-off. On expiry the
 * task's future fails with {@link java.util.concurrent.TimeoutException} at once and the work is
 * cancelled; work that ignores the cancellation keeps its slot and permits until it has really stopped,
 * and its late outcome changes nothing. To bound each attempt alone, from its own start, use
 * {@link Builder#attemptTimeout(Duration)}.
 */
public final class TaskOptions {
  private static final TaskOptions DEFAULTS = new Builder().build();

  private final String lane;
  private final RetryPolicy retry;
  private final Duration timeout;
  private final Duration attemptTimeout;
  private final AsyncSemaphore semaphore;
  private final String name;

  private TaskOptions(Builder builder) {
    this.lane = builder.lane;
    this.retry = builder.retry;
    this.timeout = builder.timeout;
    this.attemptTimeout = builder.attemptTimeout;
    this.semaphore = builder.semaphore;
    this.name = builder.name;
  }

  /**
   * Returns the options with nothing set: default lane, no retry, no timeout, no semaphore.
   *
   * @return the default options
   */
  public static TaskOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Returns a new builder with nothing set.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder that starts from these options.
   *
   * @return a new builder holding these options
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.lane = lane;
    b.retry = retry;
    b.timeout = timeout;
    b.attemptTimeout = attemptTimeout;
    b.semaphore = semaphore;
    b.name = name;
    return b;
  }

  /**
   * The lane the task runs under, if any.
   *
   * @return the lane's name, or empty for none
   */
  public Optional<String> lane() {
    return Optional.ofNullable(lane);
  }

  /**
   * The retry policy; {@link RetryPolicy#none()} unless set.
   *
   * @return the retry policy, never null
   */
  public RetryPolicy retry() {
    return retry;
  }

  /**
   * The timeout of the whole task, if any.
   *
   * @return the timeout of the whole task, or empty for none
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /**
   * The bound on each attempt alone, counted from the attempt's start, if any; a duration too large to
   * count in nanoseconds means none.
   *
   * @return the timeout of each attempt, or empty for none
   */
  public Optional<Duration> attemptTimeout() {
    return Optional.ofNullable(attemptTimeout);
  }

  /**
   * The shared semaphore each attempt takes a permit from, if any.
   *
   * @return the semaphore, or empty for none
   */
  public Optional<AsyncSemaphore> semaphore() {
    return Optional.ofNullable(semaphore);
  }

  /**
   * The task's name, used in diagnostics, if any.
   *
   * @return the name, or empty for none
   */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  @Override
  public String toString() {
    StringJoiner s = new StringJoiner(", ", "TaskOptions[", "]");
    if (lane != null) s.add("lane=" + lane);
    if (retry != RetryPolicy.none()) s.add("retry=" + retry);
    if (timeout != null) s.add("timeout=" + timeout);
    if (attemptTimeout != null) s.add("attemptTimeout=" + attemptTimeout);
    if (semaphore != null) s.add("semaphore=" + semaphore);
    if (name != null) s.add("name=" + name);
    return s.toString();
  }

  /** Builds {@link TaskOptions}. Not thread-safe; each {@link #build()} returns an immutable snapshot. */
  public static final class Builder {
    private String lane;
    private RetryPolicy retry = RetryPolicy.none();
    private Duration timeout;
    private Duration attemptTimeout;
    private AsyncSemaphore semaphore;
    private String name;

    private Builder() {}

    /**
     * Runs the task under the named lane, which must have been declared with
     * {@link AsyncExecutor.Builder#lane(String, int)}; an unknown lane is refused when the task is submitted.
     *
     * @param lane the name of a lane of the executor
     * @return this builder
     * @throws NullPointerException if {@code lane} is null
     */
    public Builder lane(String lane) {
      this.lane = Checks.notNull(lane, "lane");
      return this;
    }

    /**
     * Retries failed attempts as the policy says.
     *
     * @param retry the policy that decides whether and when a failed attempt is tried again
     * @return this builder
     * @throws NullPointerException if {@code retry} is null
     */
    public Builder retry(RetryPolicy retry) {
      this.retry = Checks.notNull(retry, "retry");
      return this;
    }

    /**
     * Bounds the whole task, retries included. A duration too large to count in nanoseconds (about 292 years) means no limit.
     *
     * @param timeout the longest the whole task may take, counted from submission
     * @return this builder
     * @throws NullPointerException     if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.isUnlimited(Checks.positive(timeout, "timeout")) ? null : timeout;
      return this;
    }

    /**
     * Bounds each attempt alone, counted from the moment the attempt starts (after it has its permits),
     * not from submission. An attempt that runs out of time is stopped (its stage cancelled, its thread
     * interrupted) and fails with {@link java.util.concurrent.TimeoutException}, which the retry policy
     * retries like any failure. A duration too large to count in nanoseconds means no limit.
     *
     * @param attemptTimeout the longest one attempt may take, counted from its start
     * @return this builder
     * @throws NullPointerException     if {@code attemptTimeout} is null
     * @throws IllegalArgumentException if {@code attemptTimeout} is zero or negative
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      Checks.positive(attemptTimeout, "attemptTimeout");
      this.attemptTimeout = Checks.isUnlimited(attemptTimeout) ? null : attemptTimeout;
      return this;
    }

    /**
     * Makes each attempt take a permit of the shared semaphore before it takes a worker slot, and
     * release it when the attempt has really finished.
     *
     * @param semaphore the semaphore shared with other tasks
     * @return this builder
     * @throws NullPointerException if {@code semaphore} is null
     */
    public Builder semaphore(AsyncSemaphore semaphore) {
      this.semaphore = Checks.notNull(semaphore, "semaphore");
      return this;
    }

    /**
     * Names the task for diagnostics.
     *
     * @param name the name shown in stall reports and messages
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     */
    public Builder name(String name) {
      this.name = Checks.notNull(name, "name");
      return this;
    }

    /**
     * Returns the options built so far.
     *
     * @return the immutable options
     */
    public TaskOptions build() {
      return new TaskOptions(this);
    }
  }
}
