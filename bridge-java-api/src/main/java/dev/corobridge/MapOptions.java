// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import dev.corobridge.internal.Checks;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How a {@code map}, {@code mapBlocking} or {@code mapIter} runs: the {@link TaskOptions} applied to
 * every item, the window of items in flight, and a timeout for the whole batch. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * MapOptions options = MapOptions.builder()
 *     .task(TaskOptions.builder().retry(RetryPolicy.exponential(2, Duration.ofMillis(50))).build())
 *     .window(16)
 *     .timeout(Duration.ofSeconds(30))
 *     .build();
 * List<Page> pages = executor.map(this::fetchPage, urls, options).join();
 * }</pre>
 */
public final class MapOptions {
  private static final MapOptions DEFAULTS = new Builder().build();

  private final TaskOptions task;
  private final int window;
  private final Duration timeout;

  private MapOptions(Builder builder) {
    this.task = builder.task;
    this.window = builder.window;
    this.timeout = builder.timeout;
  }

  /**
   * Returns the options with nothing set: default task options, window = maxWorkers, no timeout.
   *
   * @return the default options
   */
  public static MapOptions defaults() {
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
   * The options applied to every item.
   *
   * @return the task options of each item, never null
   */
  public TaskOptions task() {
    return task;
  }

  /**
   * The most items in flight at once, if set; otherwise the executor's {@code maxWorkers}.
   *
   * @return the window, or empty for the executor's {@code maxWorkers}
   */
  public OptionalInt window() {
    return window == 0 ? OptionalInt.empty() : OptionalInt.of(window);
  }

  /**
   * The timeout of the whole batch, if any.
   *
   * @return the timeout of the whole batch, or empty for none
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  @Override
  public String toString() {
    return "MapOptions[task=" + task + ", window=" + (window == 0 ? "maxWorkers" : window)
        + (timeout == null ? "" : ", timeout=" + timeout) + "]";
  }

  /** Builds {@link MapOptions}. Not thread-safe. */
  public static final class Builder {
    private TaskOptions task = TaskOptions.defaults();
    private int window;
    private Duration timeout;

    private Builder() {}

    /**
     * Applies these options to every item.
     *
     * @param task the options every item runs with
     * @return this builder
     * @throws NullPointerException if {@code task} is null
     */
    public Builder task(TaskOptions task) {
      this.task = Checks.notNull(task, "task");
      return this;
    }

    /**
     * Keeps at most {@code window} items in flight.
     *
     * @param window the most items in flight at once, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code window < 1}
     */
    public Builder window(int window) {
      this.window = Checks.atLeast(window, 1, "window");
      return this;
    }

    /**
     * Bounds the whole batch; on expiry the batch fails with
     * {@link java.util.concurrent.TimeoutException} and its remaining items are cancelled.
     *
     * @param timeout the longest the whole batch may take, counted from the call
     * @return this builder
     * @throws NullPointerException     if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Checks.isUnlimited(Checks.positive(timeout, "timeout")) ? null : timeout;
      return this;
    }

    /**
     * Returns the options built so far.
     *
     * @return the immutable options
     */
    public MapOptions build() {
      return new MapOptions(this);
    }
  }
}
