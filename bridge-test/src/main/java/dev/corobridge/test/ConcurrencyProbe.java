// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.test;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Counts how many tasks are inside a region at once, the most there ever were, and how many ever entered.
 * Tasks call {@link #enter()} and {@link #exit()} around the part of their work that a limit bounds; the test
 * then checks {@link #max()} against the limit. Thread-safe and lock-free.
 *
 * <pre>{@code
 * ConcurrencyProbe probe = new ConcurrencyProbe();
 * List<CompletableFuture<Object>> tasks = new ArrayList<>();
 * for (int i = 0; i < 50; i++) {
 *   tasks.add(executor.submitBlocking(probe.blockingCall(5), TaskOptions.builder().lane("db").build()));
 * }
 * CompletableFuture.allOf(tasks.toArray(CompletableFuture[]::new)).join();
 * assertTrue(probe.max() <= 2, "the db lane allows 2 at once, saw " + probe.max());
 * }</pre>
 */
public final class ConcurrencyProbe {
  private final AtomicInteger now = new AtomicInteger();
  private final AtomicInteger max = new AtomicInteger();
  private final AtomicInteger entered = new AtomicInteger();

  /** Creates an empty region: no task inside yet. */
  public ConcurrencyProbe() {}

  /** Marks a task entering the region. */
  public void enter() {
    entered.incrementAndGet();
    max.accumulateAndGet(now.incrementAndGet(), Math::max);
  }

  /** Marks a task leaving the region. */
  public void exit() {
    now.decrementAndGet();
  }

  /**
   * Marks a task entering the region and returns a stage that completes with {@code value} after a random delay
   * of up to {@code maxMillis}; the task leaves the region just <em>before</em> the stage completes, so whoever
   * awaits the stage never sees the task still inside. If the stage is cancelled meanwhile, the task still
   * leaves at the scheduled time.
   *
   * @param <T> the type of the value
   * @param value the value the stage completes with
   * @param maxMillis the longest delay, in milliseconds, at least 0
   * @return the stage
   * @throws IllegalArgumentException if {@code maxMillis} is negative
   */
  public <T extends @Nullable Object> CompletableFuture<T> completeLater(T value, int maxMillis) {
    if (maxMillis < 0) {
      throw new IllegalArgumentException("maxMillis must be >= 0, was " + maxMillis);
    }
    enter();
    CompletableFuture<T> stage = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(ThreadLocalRandom.current().nextLong(maxMillis + 1L), TimeUnit.MILLISECONDS)
        .execute(() -> {
          exit();
          stage.complete(value);
        });
    return stage;
  }

  /**
   * A blocking call that enters the region, sleeps for {@code millis} and leaves it, also when interrupted
   * (the interrupt then fails the call with {@link InterruptedException}).
   *
   * @param millis how long the call stays inside, in milliseconds, at least 0
   * @return the call, which returns null
   * @throws IllegalArgumentException if {@code millis} is negative
   */
  public Callable<@Nullable Object> blockingCall(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("millis must be >= 0, was " + millis);
    }
    return () -> {
      enter();
      try {
        Thread.sleep(millis);
      } finally {
        exit();
      }
      return null;
    };
  }

  /**
   * How many tasks are inside now.
   *
   * @return the tasks inside now
   */
  public int now() {
    return now.get();
  }

  /**
   * The most tasks that were inside at once.
   *
   * @return the most tasks inside at once
   */
  public int max() {
    return max.get();
  }

  /**
   * How many tasks ever entered.
   *
   * @return the tasks that ever entered
   */
  public int entered() {
    return entered.get();
  }

  /**
   * Reads the counts, for a failure message.
   *
   * @return the counts, for example {@code ConcurrencyProbe[now=0, max=2, entered=50]}
   */
  @Override
  public String toString() {
    return "ConcurrencyProbe[now=" + now() + ", max=" + max() + ", entered=" + entered() + "]";
  }
}
