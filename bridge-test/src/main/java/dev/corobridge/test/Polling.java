// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.test;

import dev.corobridge.internal.Checks;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** How the checks wait: reading a state every millisecond until it is right or the timeout has passed. */
final class Polling {
  private Polling() {}

  /**
   * Reads the state until {@code done} accepts it and returns that state.
   *
   * @throws AssertionError with {@code failure} of the last state read, once {@code timeout} has passed
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  static <T> T until(Supplier<T> read, Predicate<T> done, Duration timeout, Function<T, String> failure) {
    Checks.nonNegative(timeout, "timeout");
    long deadline = System.nanoTime() + Checks.saturatedNanos(timeout); // saturated: a wrapped deadline still compares
    T state;
    while (!done.test(state = read.get())) {
      if (deadline - System.nanoTime() <= 0) throw new AssertionError(failure.apply(state));
      LockSupport.parkNanos(1_000_000L);
    }
    return state;
  }
}
