// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import dev.corobridge.internal.Checks;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

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
 *
 * <p>One batch can run some items differently, e.g. send images to their own lane:
 *
 * <pre>{@code
 * TaskOptions images = TaskOptions.builder().lane("image").build();
 * MapOptions options = MapOptions.builder()
 *     .taskFor((String url) -> url.endsWith(".png") ? images : TaskOptions.defaults())
 *     .build();
 * }</pre>
 *
 * <p>A long batch can tell how far it has come, e.g. to draw a progress bar:
 *
 * <pre>{@code
 * MapOptions options = MapOptions.builder()
 *     .onProgress(p -> System.out.printf("\r%d/%d pages, %.0f/s", p.done(), p.total().orElse(0), p.ratePerSecond()))
 *     .build();
 * }</pre>
 */
public final class MapOptions {
  /** How often a batch tells its progress listener at most, unless the builder says otherwise. */
  public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofMillis(100);

  private static final MapOptions DEFAULTS = new Builder().build();

  private final TaskOptions task;
  private final @Nullable Function<@Nullable Object, TaskOptions> taskFor;
  private final int window;
  private final @Nullable Duration timeout;
  private final @Nullable Consumer<? super BatchProgress> progressListener;
  private final Duration progressInterval;

  private MapOptions(Builder builder) {
    this.task = builder.task;
    this.taskFor = builder.taskFor;
    this.window = builder.window;
    this.timeout = builder.timeout;
    this.progressListener = builder.progressListener;
    this.progressInterval = builder.progressInterval;
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
   * Whether items may run with options of their own ({@link Builder#taskFor}); if not, every item runs
   * with {@link #task()}.
   *
   * @return whether the options depend on the item
   */
  public boolean choosesPerItem() {
    return taskFor != null;
  }

  /**
   * The options {@code item} runs with: those {@link Builder#taskFor} chose for it, else {@link #task()}.
   * The rule every runtime applies, once per item, when the item is taken up.
   *
   * @param item the item about to run
   * @return its task options, never null
   * @throws NullPointerException if the chooser returned null
   * @throws RuntimeException     whatever the chooser threw
   */
  public TaskOptions taskFor(@Nullable Object item) {
    if (taskFor == null) return task;
    TaskOptions chosen = taskFor.apply(item);
    if (chosen == null) throw new NullPointerException("taskFor returned null for an item; return TaskOptions.defaults() for none");
    return chosen;
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

  /**
   * Who is told the batch's progress, if anyone ({@link Builder#onProgress}).
   *
   * @return the progress listener, or {@code null} for none
   */
  public @Nullable Consumer<? super BatchProgress> progressListener() {
    return progressListener;
  }

  /**
   * The shortest time between two progress reports (the last one excepted).
   *
   * @return the interval, {@link #DEFAULT_PROGRESS_INTERVAL} unless set
   */
  public Duration progressInterval() {
    return progressInterval;
  }

  @Override
  public String toString() {
    return "MapOptions[task=" + (taskFor == null ? task : "chosen per item") + ", window=" + (window == 0 ? "maxWorkers" : window)
        + (timeout == null ? "" : ", timeout=" + timeout) + (progressListener == null ? "" : ", progress every " + progressInterval) + "]";
  }

  /** Builds {@link MapOptions}. Not thread-safe. */
  public static final class Builder {
    private TaskOptions task = TaskOptions.defaults();
    private @Nullable Function<@Nullable Object, TaskOptions> taskFor;
    private int window;
    private @Nullable Duration timeout;
    private @Nullable Consumer<? super BatchProgress> progressListener;
    private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;

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
      this.taskFor = null;
      return this;
    }

    /**
     * Chooses each item's options with {@code chooser}, called once per item when the item is taken up
     * (on the thread that takes it up: keep it quick). Replaces {@link #task(TaskOptions)}, and is replaced
     * by it. An item whose chooser throws, returns null or names an unknown lane fails with that exception,
     * which fails a {@code map} (and ends a {@code mapIter} stream) like any item's failure.
     *
     * @param <A> the type of the items
     * @param chooser the options for an item; {@code TaskOptions.defaults()} for nothing special
     * @return this builder
     * @throws NullPointerException if {@code chooser} is null
     */
    @SuppressWarnings("unchecked")
    public <A extends @Nullable Object> Builder taskFor(Function<? super A, TaskOptions> chooser) {
      this.taskFor = (Function<@Nullable Object, TaskOptions>) Checks.notNull(chooser, "chooser");
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
     * Tells {@code listener} how far the batch has come, at most once per {@link #DEFAULT_PROGRESS_INTERVAL}
     * while items finish, and once more when the batch has ended ({@link BatchProgress#finished()}). See
     * {@link #onProgress(Duration, Consumer)}.
     *
     * @param listener told each report
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder onProgress(Consumer<? super BatchProgress> listener) {
      return onProgress(DEFAULT_PROGRESS_INTERVAL, listener);
    }

    /**
     * Tells {@code listener} how far the batch has come: when an item finishes and at least {@code interval}
     * has passed since the previous report (or the start), and once more, with
     * {@link BatchProgress#finished()} true, when the batch has ended and none of its items runs any more; for
     * a {@code map} or {@code mapBlocking} whose items all succeed, that last report comes before its future
     * completes. The listener runs on the thread that finished an item (or ended the batch), never two calls
     * at once, with counts that never go back; it must be quick and must not block. What it throws changes
     * nothing for the batch and goes to the executor's {@code onUncaughtError} handler.
     *
     * @param interval the shortest time between two reports; zero for a report at every item
     * @param listener told each report
     * @return this builder
     * @throws NullPointerException     if {@code interval} or {@code listener} is null
     * @throws IllegalArgumentException if {@code interval} is negative
     */
    public Builder onProgress(Duration interval, Consumer<? super BatchProgress> listener) {
      this.progressInterval = Checks.nonNegative(interval, "interval");
      this.progressListener = Checks.notNull(listener, "listener");
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
