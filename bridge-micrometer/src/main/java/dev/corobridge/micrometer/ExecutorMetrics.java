// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.micrometer;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.ExecutorListener;
import dev.corobridge.ExecutorStats;
import dev.corobridge.LaneStats;
import dev.corobridge.TaskEvent;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Publishes an {@link AsyncExecutor}'s metrics to a Micrometer {@link MeterRegistry}, named as Micrometer's
 * {@code ExecutorServiceMetrics} and {@code TimedExecutorService} name a thread pool's, so dashboards made for
 * those work unchanged. Every meter is tagged {@code name=<executor name>} plus the tags given:
 *
 * <table class="striped">
 *   <caption>Meters</caption>
 *   <thead><tr><th>meter</th><th>type</th><th>what</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code executor.active}</td><td>gauge</td><td>tasks running now ({@link ExecutorStats#running()})</td></tr>
 *   <tr><td>{@code executor.queued}</td><td>gauge</td><td>tasks accepted and waiting ({@link ExecutorStats#queued()})</td></tr>
 *   <tr><td>{@code executor.completed}</td><td>function counter</td><td>tasks finished, however they ended</td></tr>
 *   <tr><td>{@code executor.idle}</td><td>timer</td><td>how long tasks waited between acceptance and their first start
 *       (sampled, see below)</td></tr>
 *   <tr><td>{@code executor}</td><td>timer</td><td>how long tasks ran, from their first start to their end, retries included
 *       (sampled)</td></tr>
 *   <tr><td>{@code executor.tasks}</td><td>function counter</td><td>tasks ended, tagged {@code outcome}: {@code succeeded},
 *       {@code failed} (timeouts included, as {@link ExecutorStats#failed()} counts them), {@code cancelled}</td></tr>
 *   <tr><td>{@code executor.retries}</td><td>function counter</td><td>retries its tasks' retry policies chose</td></tr>
 *   <tr><td>{@code executor.lane.active}</td><td>gauge</td><td>a lane's permits held now, tagged {@code lane}
 *       ({@link dev.corobridge.LaneStats#inUse()})</td></tr>
 *   <tr><td>{@code executor.lane.queued}</td><td>gauge</td><td>the tasks waiting for one of a lane's permits, tagged
 *       {@code lane} ({@link dev.corobridge.LaneStats#waiting()})</td></tr>
 *   </tbody>
 * </table>
 *
 * <p>The counters and gauges read the executor's {@link AsyncExecutor#stats()} and {@link AsyncExecutor#laneStats()},
 * exact and free for the tasks. The timers come from task events of a {@linkplain ExecutorListener#sampled sampled}
 * listener: every task while tasks come slower than {@link #DEFAULT_TIMED_TASKS_PER_SECOND} a second (or the rate
 * given to {@link #of(Iterable, int)}), about that many a second when they come faster, so that timing costs a busy
 * executor almost nothing; a timer's count is the number of tasks timed, not of tasks run. The executor must be
 * built with the listener: {@link #monitor} does both.
 *
 * <pre>{@code
 * AsyncExecutor executor = ExecutorMetrics.monitor(registry,
 *     AsyncExecutor.builder().name("crawler").maxWorkers(64).lane("images", 8), Tags.of("app", "shop"));
 * }</pre>
 *
 * <p>When something else builds the executor, add {@link #listener()} to its builder, then give the executor to
 * {@link #forExecutor} and {@link #bindTo} the registry ({@link #of}).
 */
public final class ExecutorMetrics implements MeterBinder {
  /** About the most tasks a second the timers time, unless {@link #of(Iterable, int)} says otherwise. */
  public static final int DEFAULT_TIMED_TASKS_PER_SECOND = 1000;

  private final Timing timing;
  private final ExecutorListener listener;
  private final Iterable<Tag> tags;
  private @Nullable AsyncExecutor executor;

  private ExecutorMetrics(Iterable<Tag> tags, int timedTasksPerSecond) {
    this.timing = new Timing();
    this.listener = ExecutorListener.sampled(timing, timedTasksPerSecond);
    this.tags = Objects.requireNonNull(tags, "tags");
  }

  /**
   * Builds the executor {@code builder} describes with this binder's listener, and publishes its metrics to
   * {@code registry}.
   *
   * @param registry where the metrics go
   * @param builder  the executor's settings; a listener is added to it
   * @param tags     tags added to every meter, besides {@code name}
   * @return the executor, running
   * @throws NullPointerException if an argument is null
   */
  public static AsyncExecutor monitor(MeterRegistry registry, AsyncExecutor.Builder builder, Iterable<Tag> tags) {
    Objects.requireNonNull(registry, "registry");
    ExecutorMetrics metrics = of(tags);
    AsyncExecutor executor = Objects.requireNonNull(builder, "builder").listener(metrics.listener()).build();
    metrics.forExecutor(executor).bindTo(registry);
    return executor;
  }

  /**
   * A binder for an executor built elsewhere, in three steps:
   *
   * <pre>{@code
   * ExecutorMetrics metrics = ExecutorMetrics.of(Tags.empty());
   * AsyncExecutor executor = AsyncExecutor.builder().name("crawler").listener(metrics.listener()).build();
   * metrics.forExecutor(executor).bindTo(registry);
   * }</pre>
   *
   * @param tags tags added to every meter, besides {@code name}
   * @return the binder, not yet given its executor
   * @throws NullPointerException if {@code tags} is null
   */
  public static ExecutorMetrics of(Iterable<Tag> tags) {
    return of(tags, DEFAULT_TIMED_TASKS_PER_SECOND);
  }

  /**
   * A binder as {@link #of(Iterable)} makes, whose timers time about {@code timedTasksPerSecond} tasks a second at
   * most (every task while they come slower); {@link Integer#MAX_VALUE} times every task.
   *
   * @param tags                tags added to every meter, besides {@code name}
   * @param timedTasksPerSecond about the most tasks a second the timers time, at least 1
   * @return the binder, not yet given its executor
   * @throws NullPointerException     if {@code tags} is null
   * @throws IllegalArgumentException if {@code timedTasksPerSecond < 1}
   */
  public static ExecutorMetrics of(Iterable<Tag> tags, int timedTasksPerSecond) {
    if (timedTasksPerSecond < 1) {
      throw new IllegalArgumentException("timedTasksPerSecond must be >= 1, was " + timedTasksPerSecond);
    }
    return new ExecutorMetrics(tags, timedTasksPerSecond);
  }

  /**
   * The listener to add to the executor's builder before it is built; it feeds the timers.
   *
   * @return the listener
   */
  public ExecutorListener listener() {
    return listener;
  }

  /**
   * Names the executor whose meters this binder publishes: the one built with {@link #listener()}. Bind it
   * before the executor is given work: the timers time only what happens after {@link #bindTo} (the counters read
   * the executor's stats, since its start).
   *
   * @param executor the executor, built with {@link #listener()}
   * @return this binder, to {@link #bindTo} a registry
   * @throws NullPointerException  if {@code executor} is null
   * @throws IllegalStateException if the binder has an executor already
   */
  public ExecutorMetrics forExecutor(AsyncExecutor executor) {
    Objects.requireNonNull(executor, "executor");
    if (this.executor != null) throw new IllegalStateException("these metrics are of executor " + this.executor.name() + " already");
    this.executor = executor;
    return this;
  }

  /**
   * Registers the executor's meters with {@code registry}.
   *
   * @param registry where the metrics go
   * @throws IllegalStateException if no executor was given ({@link #forExecutor})
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    AsyncExecutor bound = executor;
    if (bound == null) throw new IllegalStateException("no executor: call forExecutor(executor) before bindTo, or use monitor(...)");
    Tags all = Tags.concat(tags, "name", bound.name());
    gauge(registry, "executor.active", "The tasks running now", bound, ExecutorStats::running, all);
    gauge(registry, "executor.queued", "The tasks accepted and waiting to start", bound, ExecutorStats::queued, all);
    FunctionCounter.builder("executor.completed", bound, executor -> {
          ExecutorStats stats = executor.stats();
          return stats.succeeded() + stats.failed() + stats.cancelled();
        })
        .tags(all).description("The tasks finished, however they ended").baseUnit("tasks").register(registry);
    outcome(registry, bound, "succeeded", ExecutorStats::succeeded, all);
    outcome(registry, bound, "failed", ExecutorStats::failed, all);
    outcome(registry, bound, "cancelled", ExecutorStats::cancelled, all);
    FunctionCounter.builder("executor.retries", bound, executor -> executor.stats().retried())
        .tags(all).description("The retries the tasks' retry policies chose").register(registry);
    for (LaneStats lane : bound.laneStats()) {
      String name = lane.name();
      laneGauge(registry, "executor.lane.active", "The lane's permits held now", bound, name, LaneStats::inUse, all);
      laneGauge(registry, "executor.lane.queued", "The tasks waiting for one of the lane's permits", bound, name, LaneStats::waiting, all);
    }
    timing.bind(registry, all);
  }

  private static void outcome(MeterRegistry registry, AsyncExecutor executor, String outcome, ToDoubleFunction<ExecutorStats> count, Tags tags) {
    FunctionCounter.builder("executor.tasks", executor, e -> count.applyAsDouble(e.stats()))
        .tags(tags).tag("outcome", outcome).description("The tasks ended, by outcome").baseUnit("tasks").register(registry);
  }

  private static void laneGauge(MeterRegistry registry, String meter, String description, AsyncExecutor executor, String lane,
                                ToDoubleFunction<LaneStats> value, Tags tags) {
    Gauge.builder(meter, executor, e -> e.laneStats().stream().filter(l -> l.name().equals(lane)).mapToDouble(value).sum())
        .tags(tags).tag("lane", lane).description(description).baseUnit("tasks").register(registry);
  }

  private static void gauge(MeterRegistry registry, String name, String description, AsyncExecutor executor,
                            ToDoubleFunction<ExecutorStats> value, Tags tags) {
    Gauge.builder(name, executor, e -> value.applyAsDouble(e.stats())).tags(tags).description(description).baseUnit("tasks").register(registry);
  }

  /** The sampled task events, timed. Its timers are set once at {@link #bind}, before the executor runs a task. */
  private static final class Timing implements ExecutorListener {
    private volatile @Nullable Timers timers;

    void bind(MeterRegistry registry, Tags tags) {
      timers = new Timers(registry, tags);
    }

    @Override
    public void taskStarted(TaskEvent task) {
      Timers t = timers;
      if (t == null || task.attempt() != 1) return;
      t.idle.record(task.queuedNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void taskSucceeded(TaskEvent task) {
      ended(task);
    }

    @Override
    public void taskFailed(TaskEvent task, Throwable failure) {
      ended(task);
    }

    @Override
    public void taskTimedOut(TaskEvent task, TimeoutException timeout) {
      ended(task);
    }

    @Override
    public void taskCancelled(TaskEvent task) {
      ended(task);
    }

    private void ended(TaskEvent task) {
      Timers t = timers;
      if (t == null || task.attempt() == 0) return; // never started: nothing ran
      t.run.record(task.runningNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** The timers fed by events, of one executor. */
  private static final class Timers {
    final Timer idle;
    final Timer run;

    Timers(MeterRegistry registry, Tags tags) {
      this.idle = Timer.builder("executor.idle").tags(tags).description("How long tasks waited between acceptance and their first start").register(registry);
      this.run = Timer.builder("executor").tags(tags).description("How long tasks ran, from their first start to their end").register(registry);
    }
  }
}
