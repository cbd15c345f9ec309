// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.ExecutorListener;
import dev.corobridge.RetryEvent;
import dev.corobridge.TaskEvent;
import dev.corobridge.micrometer.ExecutorMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Seeing what the executor does (docs/observability.md): the samples' executor is built with a listener that
 * reports each retry as it happens, and with bridge-micrometer's metrics, printed at the end of the run.
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

  /** Builds the executor {@code builder} describes, with the retry report and metrics in {@code registry}. */
  static AsyncExecutor monitored(MeterRegistry registry, AsyncExecutor.Builder builder) {
    return ExecutorMetrics.monitor(registry, builder.listener(new RetryReport()), Tags.of("app", "samples"));
  }

  /** Prints what the metrics counted over the whole run. */
  static void report(MeterRegistry registry) {
    Timer run = registry.get("executor").timer();
    Timer idle = registry.get("executor.idle").timer();
    Progress.line("java", "metrics", String.format(
        "%d tasks succeeded, %d failed, %d timed out, %d cancelled, %d retries; ran %.1f ms on average (max %.0f ms), "
            + "waited %.2f ms on average to start",
        count(registry, "succeeded"), count(registry, "failed"), count(registry, "timed_out"), count(registry, "cancelled"),
        (long) registry.get("executor.retries").counter().count(), run.mean(TimeUnit.MILLISECONDS), run.max(TimeUnit.MILLISECONDS),
        idle.mean(TimeUnit.MILLISECONDS)));
  }

  private static long count(MeterRegistry registry, String outcome) {
    return (long) registry.get("executor.tasks").tag("outcome", outcome).counter().count();
  }
}
