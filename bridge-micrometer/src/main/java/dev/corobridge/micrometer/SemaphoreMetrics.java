// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.micrometer;

import dev.corobridge.AsyncSemaphore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Publishes a shared {@link AsyncSemaphore}'s gauges to a Micrometer {@link MeterRegistry}. A semaphore may limit the
 * tasks of several executors (an API's rate limit, a database's connections), so it is bound on its own, under a
 * name of the caller's choosing, tagged {@code semaphore=<name>} plus the tags given:
 *
 * <table class="striped">
 *   <caption>Meters</caption>
 *   <thead><tr><th>meter</th><th>type</th><th>what</th></tr></thead>
 *   <tbody>
 *   <tr><td>{@code executor.semaphore.available}</td><td>gauge</td><td>permits free now
 *       ({@link AsyncSemaphore#availablePermits()})</td></tr>
 *   <tr><td>{@code executor.semaphore.queued}</td><td>gauge</td><td>requests waiting for a permit now
 *       ({@link AsyncSemaphore#queueLength()})</td></tr>
 *   </tbody>
 * </table>
 *
 * <pre>{@code
 * AsyncSemaphore apiLimit = AsyncSemaphore.create(8);
 * SemaphoreMetrics.of("pricing-api", apiLimit, Tags.empty()).bindTo(registry);
 * }</pre>
 *
 * <p>The gauges read the semaphore when the registry asks; they cost the tasks nothing.
 */
public final class SemaphoreMetrics implements MeterBinder {
  private final String name;
  private final AsyncSemaphore semaphore;
  private final Iterable<Tag> tags;

  private SemaphoreMetrics(String name, AsyncSemaphore semaphore, Iterable<Tag> tags) {
    this.name = Objects.requireNonNull(name, "name");
    this.semaphore = Objects.requireNonNull(semaphore, "semaphore");
    this.tags = Objects.requireNonNull(tags, "tags");
  }

  /**
   * A binder of {@code semaphore}'s gauges, tagged {@code semaphore=name}.
   *
   * @param name      the semaphore's name in the tags
   * @param semaphore the semaphore
   * @param tags      tags added to every meter, besides {@code semaphore}
   * @return the binder
   * @throws NullPointerException if an argument is null
   */
  public static SemaphoreMetrics of(String name, AsyncSemaphore semaphore, Iterable<Tag> tags) {
    return new SemaphoreMetrics(name, semaphore, tags);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Tags all = Tags.concat(tags, "semaphore", name);
    Gauge.builder("executor.semaphore.available", semaphore, AsyncSemaphore::availablePermits)
        .tags(all).description("The semaphore's permits free now").baseUnit("permits").register(registry);
    Gauge.builder("executor.semaphore.queued", semaphore, AsyncSemaphore::queueLength)
        .tags(all).description("The requests waiting for one of the semaphore's permits").baseUnit("tasks").register(registry);
  }
}
