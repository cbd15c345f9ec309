// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.BatchProgress;
import dev.corobridge.ExecutorListener;
import dev.corobridge.MapOptions;
import dev.corobridge.RetryEvent;
import dev.corobridge.RunningTasks;
import dev.corobridge.TaskEvent;
import dev.corobridge.TaskOptions;
import dev.corobridge.TaskSnapshot;
import dev.corobridge.micrometer.ExecutorMetrics;
import dev.corobridge.micrometer.MicrometerContextPropagation;
import io.micrometer.context.ContextRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

/**
 * Seeing what the executor does (docs/observability.md): the samples' executor is built with a listener that
 * reports each retry as it happens, a {@link RunningTasks} to look at what runs now, and bridge-micrometer's
 * metrics, printed at the end of the run; a long batch draws a progress bar.
 */
public final class ObservabilityGuide {
  private ObservabilityGuide() {}

  /** Reports each retry on a progress line, with the attempt that failed, how, and the wait chosen. */
  static final class RetryReport implements ExecutorListener {
    @Override
    public void taskRetrying(TaskEvent task, RetryEvent retry) {
      Progress.line("java", "listener", task.displayName() + ": attempt " + retry.attempt() + " failed ("
          + (retry.failure() == null ? "a value retried" : retry.failure().getClass().getSimpleName()) + "), next in "
          + retry.delay().toMillis() + " ms");
    }
  }

  /** Builds the executor {@code builder} describes, with the retry report, {@code running} and metrics in {@code registry}. */
  static AsyncExecutor monitored(MeterRegistry registry, RunningTasks running, AsyncExecutor.Builder builder) {
    return ExecutorMetrics.monitor(registry, builder.listener(new RetryReport()).listener(running), Tags.of("app", "samples"));
  }

  /**
   * A long batch (200 pages rendered on blocking threads, 16 at a time) draws a progress bar from its progress
   * reports, and once, midway, shows the oldest of the tasks running then.
   */
  static void longRun(AsyncExecutor executor, RunningTasks running) {
    AtomicBoolean shown = new AtomicBoolean();
    MapOptions options = MapOptions.builder()
        .window(16)
        .task(TaskOptions.builder().name("render page").build())
        .onProgress(Duration.ofMillis(150), progress -> {
          Progress.line("java", "progress", bar(progress));
          if (!progress.finished() && shown.compareAndSet(false, true)) {
            List<TaskSnapshot> now = running.snapshot();
            Progress.line("java", "running", now.size() + " tasks unfinished, the oldest: " + (now.isEmpty() ? "none" : now.get(0)));
          }
        })
        .build();
    List<Integer> rendered = executor.mapBlocking(page -> {
      Thread.sleep(20 + page % 5 * 10);
      return page;
    }, IntStream.range(0, 200).boxed().toList(), options).join();
    Progress.line("java", "progress", "rendered " + rendered.size() + " pages");
  }

  /** The tenant a request runs for, in a thread-local, as an MDC entry or a trace would be. */
  static final ThreadLocal<String> TENANT = new ThreadLocal<>();

  /**
   * Context that follows the work: the tenant, registered with io.micrometer:context-propagation, is seen by the
   * async, blocking and batch work started while it is set, and is gone from the workers afterwards.
   */
  static void contextFollows(AsyncExecutor executor) {
    ContextRegistry.getInstance().registerThreadLocalAccessor("samples.tenant", TENANT::get, TENANT::set, TENANT::remove);
    MicrometerContextPropagation.register();
    try {
      TENANT.set("acme");
      String async = executor.submit(() -> CompletableFuture.completedFuture(TENANT.get())).join();
      String blocking = executor.submitBlocking(TENANT::get).join();
      List<String> batch = executor.mapBlocking(i -> TENANT.get(), List.of(1, 2, 3)).join();
      TENANT.remove();
      String later = executor.submitBlocking(TENANT::get).join();
      Progress.line("java", "context", "tenant seen by an async task: " + async + ", a blocking task: " + blocking
          + ", a batch: " + batch + "; by a task started without one: " + later);
    } finally {
      MicrometerContextPropagation.unregister();
    }
  }

  /** {@code [#########.....] 120/200  74 items/s}. */
  static String bar(BatchProgress progress) {
    int width = 30;
    int filled = (int) Math.round(progress.fraction().orElse(0) * width);
    return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + (progress.done() + progress.failed()) + "/"
        + progress.total().orElse(0) + String.format(Locale.ROOT, " %4.0f items/s", progress.ratePerSecond())
        + (progress.failed() > 0 ? ", " + progress.failed() + " failed" : "") + (progress.finished() ? ", finished" : "");
  }

  /** Prints what the metrics counted over the whole run (the timers time a sample when tasks come fast). */
  static void report(MeterRegistry registry) {
    Timer run = registry.get("executor").timer();
    Timer idle = registry.get("executor.idle").timer();
    Progress.line("java", "metrics", String.format(
        "%d tasks succeeded, %d failed, %d cancelled, %d retries; %d timed: ran %.1f ms on average (max %.0f ms), "
            + "waited %.2f ms on average to start",
        count(registry, "succeeded"), count(registry, "failed"), count(registry, "cancelled"),
        (long) registry.get("executor.retries").functionCounter().count(), run.count(), run.mean(TimeUnit.MILLISECONDS),
        run.max(TimeUnit.MILLISECONDS), idle.mean(TimeUnit.MILLISECONDS)));
  }

  private static long count(MeterRegistry registry, String outcome) {
    return (long) registry.get("executor.tasks").tag("outcome", outcome).functionCounter().count();
  }
}
