// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses which tasks a {@link SampledListener} hears: each with chance 1 in {@code every}, a power of two that adapts
 * so that about the listener's rate is chosen a second. It starts at 1 (every task), doubles while chosen tasks come
 * closer than the rate allows and halves while they come further apart, so a slow executor is heard in full and a
 * busy one at the rate. A task not chosen costs a read of {@code every} and a thread-local random number: nothing
 * shared is written per task, so the threads that accept tasks do not contend for a cache line; only a chosen task
 * reads the clock. The adaptation is updated without synchronisation on purpose: a lost update changes how often
 * tasks are chosen for a moment, never more than that. Not part of the public API.
 */
final class Sampler {
  private static final int MOST = 1 << 20;

  final SampledListener listener;
  private final long intervalNanos;
  private int every = 1;
  private long lastChosenAt = System.nanoTime();

  Sampler(SampledListener listener) {
    this.listener = listener;
    this.intervalNanos = Math.max(1, 1_000_000_000L / listener.maxTasksPerSecond);
  }

  /** Whether the task being accepted is one the listener hears. */
  boolean choose() {
    int e = every;
    if (e > 1 && (ThreadLocalRandom.current().nextInt() & (e - 1)) != 0) return false;
    long now = System.nanoTime();
    long since = now - lastChosenAt;
    lastChosenAt = now;
    if (since < intervalNanos) {
      if (e < MOST) e <<= 1;
    } else if (since > 2 * intervalNanos && e > 1) {
      e >>>= 1;
    }
    every = e;
    return true;
  }
}
