// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks that name the parameter and the allowed range. Not part of the public API. */
public final class Checks {
  private Checks() {}

  /** Returns {@code value}, or throws {@link NullPointerException} naming {@code name}. */
  public static <T> T notNull(T value, String name) {
    return Objects.requireNonNull(value, () -> name + " must not be null");
  }

  /** Returns {@code value} if it is at least {@code min}, else throws naming the parameter and range. */
  public static int atLeast(int value, int min, String name) {
    if (value < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
    }
    return value;
  }

  /** Returns {@code value} if it is neither null nor negative. */
  public static Duration nonNegative(Duration value, String name) {
    notNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0, was " + value);
    }
    return value;
  }

  /** The longest duration that counts as a limit: more nanoseconds than a {@code long} holds means no limit. */
  private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

  /**
   * Whether {@code value} is too large to count in nanoseconds (about 292 years), which every option of the
   * library takes to mean "no limit".
   */
  public static boolean isUnlimited(Duration value) {
    return value.compareTo(LONGEST) > 0;
  }

  /** {@code value} in nanoseconds, {@code Long.MAX_VALUE} when it is too large to count (never an overflow). */
  public static long saturatedNanos(Duration value) {
    return isUnlimited(value) ? Long.MAX_VALUE : value.toNanos();
  }

  /** Returns {@code value} if it is neither null, zero nor negative. */
  public static Duration positive(Duration value, String name) {
    notNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0, was " + value);
    }
    return value;
  }
}
