// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts how many tasks are inside a region at once and the most there ever were. Thread-safe. */
public final class Probe {
  /** Creates an empty region: no task inside yet. */
  public Probe() {}

  private final AtomicInteger now = new AtomicInteger();
  private final AtomicInteger max = new AtomicInteger();
  private final AtomicInteger entered = new AtomicInteger();

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
   * Marks a task entering the region and returns a stage that completes with {@code value} after up to
   * {@code maxMillis}; the task leaves the region just <em>before</em> the stage completes, so whoever
   * awaits the stage never sees the task still inside. If the stage is cancelled meanwhile, the task
   * still leaves at the scheduled time.
   *
   * @param <T> the type of the value
   * @param value the value the stage completes with
   * @param maxMillis the longest delay, in milliseconds
   * @return the stage
   */
  public <T> CompletableFuture<T> completeLater(T value, int maxMillis) {
    enter();
    CompletableFuture<T> stage = new CompletableFuture<>();
    CompletableFuture.delayedExecutor(ThreadLocalRandom.current().nextInt(maxMillis + 1), TimeUnit.MILLISECONDS)
        .execute(() -> {
          exit();
          stage.complete(value);
        });
    return stage;
  }

  /**
   * A blocking call that marks a task entering the region, sleeps for {@code millis} and leaves it, even if
   * interrupted.
   *
   * @param millis how long the call stays inside, in milliseconds
   * @return the call, which returns null
   */
  public Callable<Object> blockingCall(long millis) {
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
}
