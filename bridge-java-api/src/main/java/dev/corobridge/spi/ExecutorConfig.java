// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spi;

import dev.corobridge.ExecutorListener;
import dev.corobridge.internal.Checks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The settings an {@link dev.corobridge.AsyncExecutor.Builder} collected, handed to an
 * {@link AsyncExecutorProvider} to create the executor. Immutable and thread-safe.
 */
public final class ExecutorConfig {
  private final int maxWorkers;
  private final String name;
  private final Map<String, Integer> lanes;
  private final Consumer<Throwable> uncaughtErrorHandler;
  private final boolean preferVirtualThreads;
  private final @Nullable Duration stallThreshold;
  /** The most tasks waiting to start, or 0 for the runtime's default. */
  private final int queueCapacity;
  private final List<ExecutorListener> listeners;

  /**
   * Creates a configuration.
   *
   * @param maxWorkers           the most tasks in flight, {@code >= 1}
   * @param name                 the executor's name, used in thread names and diagnostics
   * @param lanes                lane name to its concurrency limit ({@code >= 1} each), in declaration order
   * @param uncaughtErrorHandler receives failures of fire-and-forget work
   * @throws NullPointerException     if an argument is null
   * @throws IllegalArgumentException if a limit is below 1
   */
  public ExecutorConfig(int maxWorkers, String name, Map<String, Integer> lanes,
                        Consumer<Throwable> uncaughtErrorHandler) {
    this(maxWorkers, name, lanes, uncaughtErrorHandler, false);
  }

  /**
   * Creates a configuration.
   *
   * @param maxWorkers            the most tasks in flight, {@code >= 1}
   * @param name                  the executor's name, used in thread names and diagnostics
   * @param lanes                 lane name to its concurrency limit ({@code >= 1} each), in declaration order
   * @param uncaughtErrorHandler  receives failures of fire-and-forget work
   * @param preferVirtualThreads  whether blocking work runs on virtual threads where the JDK has them
   * @throws NullPointerException     if an argument is null
   * @throws IllegalArgumentException if a limit is below 1
   */
  public ExecutorConfig(int maxWorkers, String name, Map<String, Integer> lanes,
                        Consumer<Throwable> uncaughtErrorHandler, boolean preferVirtualThreads) {
    this.maxWorkers = Checks.atLeast(maxWorkers, 1, "maxWorkers");
    this.name = Checks.notNull(name, "name");
    Map<String, Integer> copy = new LinkedHashMap<>();
    Checks.notNull(lanes, "lanes").forEach((lane, limit) -> {
      Checks.notNull(lane, "lane");
      copy.put(lane, Checks.atLeast(Checks.notNull(limit, "maxConcurrency"), 1, "maxConcurrency of lane " + lane));
    });
    this.lanes = Collections.unmodifiableMap(copy);
    this.uncaughtErrorHandler = Checks.notNull(uncaughtErrorHandler, "uncaughtErrorHandler");
    this.preferVirtualThreads = preferVirtualThreads;
    this.stallThreshold = null;
    this.queueCapacity = 0;
    this.listeners = List.of();
  }

  private ExecutorConfig(ExecutorConfig base, @Nullable Duration stallThreshold, int queueCapacity) {
    this(base, stallThreshold, queueCapacity, base.listeners);
  }

  private ExecutorConfig(ExecutorConfig base, @Nullable Duration stallThreshold, int queueCapacity, List<ExecutorListener> listeners) {
    this.maxWorkers = base.maxWorkers;
    this.name = base.name;
    this.lanes = base.lanes;
    this.uncaughtErrorHandler = base.uncaughtErrorHandler;
    this.preferVirtualThreads = base.preferVirtualThreads;
    this.stallThreshold = stallThreshold;
    this.queueCapacity = queueCapacity;
    this.listeners = listeners;
  }

  /** {@code fresh} with this configuration's stall threshold, queue capacity and listeners. */
  private ExecutorConfig carrying(ExecutorConfig fresh) {
    return new ExecutorConfig(fresh, stallThreshold, queueCapacity, listeners);
  }

  /**
   * Returns a copy whose executors also tell {@code listener} what happens to each task, after the listeners
   * added before.
   *
   * @param listener told of each task's events
   * @return the new configuration
   * @throws NullPointerException if {@code listener} is null
   */
  public ExecutorConfig withListener(ExecutorListener listener) {
    Checks.notNull(listener, "listener");
    List<ExecutorListener> more = new ArrayList<>(listeners);
    more.add(listener);
    return new ExecutorConfig(this, stallThreshold, queueCapacity, List.copyOf(more));
  }

  /**
   * The listeners every executor made from this configuration tells of each task's events, in the order added;
   * empty for none.
   *
   * @return the listeners, unmodifiable
   */
  public List<ExecutorListener> listeners() {
    return listeners;
  }

  /**
   * Returns a copy whose executors accept at most {@code capacity} tasks waiting to start (for a worker slot,
   * a lane or a semaphore permit) at once.
   *
   * @param capacity the most tasks waiting to start, {@code >= 1}
   * @return the new configuration
   * @throws IllegalArgumentException if {@code capacity < 1}
   */
  public ExecutorConfig withQueueCapacity(int capacity) {
    return new ExecutorConfig(this, stallThreshold, Checks.atLeast(capacity, 1, "queueCapacity"));
  }

  /**
   * The most tasks waiting to start at once, if the builder set it; otherwise the runtime decides (the
   * coroutine engine: no bound; the fallback: its own capacity).
   *
   * @return the queue capacity, or empty for the runtime's default
   */
  public OptionalInt queueCapacity() {
    return queueCapacity == 0 ? OptionalInt.empty() : OptionalInt.of(queueCapacity);
  }

  /**
   * Returns a copy whose executors watch for stalls longer than {@code threshold}, or do not watch
   * ({@code null}).
   *
   * @param threshold how long a task may hold a worker thread before it is reported
   * @return the new configuration
   * @throws IllegalArgumentException if {@code threshold} is zero or negative
   */
  public ExecutorConfig withStallThreshold(@Nullable Duration threshold) {
    return new ExecutorConfig(this, threshold == null ? null : Checks.positive(threshold, "threshold"), queueCapacity);
  }

  /**
   * How long a task may keep a non-blocking worker busy before it is reported, if stalls are watched for.
   *
   * @return the stall threshold, or empty when stalls are not watched
   */
  public Optional<Duration> stallThreshold() {
    return Optional.ofNullable(stallThreshold);
  }

  /**
   * Returns a copy with another bound on tasks in flight.
   *
   * @param maxWorkers the most tasks in flight at once
   * @return the new configuration
   * @throws IllegalArgumentException if {@code maxWorkers < 1}
   */
  public ExecutorConfig withMaxWorkers(int maxWorkers) {
    return carrying(new ExecutorConfig(maxWorkers, name, lanes, uncaughtErrorHandler, preferVirtualThreads));
  }

  /**
   * Returns a copy that prefers, or does not prefer, virtual threads for blocking work.
   *
   * @param preferVirtualThreads whether blocking work runs on virtual threads where the JDK has them
   * @return the new configuration
   */
  public ExecutorConfig withPreferVirtualThreads(boolean preferVirtualThreads) {
    return carrying(new ExecutorConfig(maxWorkers, name, lanes, uncaughtErrorHandler, preferVirtualThreads));
  }

  /**
   * The most tasks in flight at once.
   *
   * @return the most tasks in flight at once
   */
  public int maxWorkers() {
    return maxWorkers;
  }

  /**
   * The executor's name.
   *
   * @return the executor's name
   */
  public String name() {
    return name;
  }

  /**
   * Lane name to concurrency limit, in declaration order; unmodifiable.
   *
   * @return the lanes' limits by name, unmodifiable
   */
  public Map<String, Integer> lanes() {
    return lanes;
  }

  /**
   * Receives failures of fire-and-forget work ({@code spawn}, {@code execute}).
   *
   * @return the handler of failures nobody waits for
   */
  public Consumer<Throwable> uncaughtErrorHandler() {
    return uncaughtErrorHandler;
  }

  /**
   * Whether blocking work should run on virtual threads. Honoured where the JDK has them (21+); on
   * older JDKs blocking work runs on the executor's platform threads.
   *
   * @return whether blocking work prefers virtual threads
   */
  public boolean preferVirtualThreads() {
    return preferVirtualThreads;
  }

  @Override
  public String toString() {
    return "ExecutorConfig[name=" + name + ", maxWorkers=" + maxWorkers + ", lanes=" + lanes
        + (preferVirtualThreads ? ", preferVirtualThreads" : "") + (stallThreshold != null ? ", stallThreshold=" + stallThreshold : "")
        + (queueCapacity != 0 ? ", queueCapacity=" + queueCapacity : "")
        + (listeners.isEmpty() ? "" : ", listeners=" + listeners.size()) + "]";
  }
}
