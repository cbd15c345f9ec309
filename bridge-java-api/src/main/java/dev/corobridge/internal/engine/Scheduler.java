// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import dev.corobridge.internal.Timed;

/**
 * An executor's clock: the seam through which the rules written here time what they wait for, so that the
 * executor's own clock governs them (the shared timer in production, virtual time under test). Not part of the
 * public API.
 */
@FunctionalInterface
public interface Scheduler {
  /**
   * Runs {@code action} once {@code delayNanos} have passed, unless called off first.
   *
   * @param delayNanos how long to wait, in nanoseconds; zero or less runs it as soon as the clock can
   * @return the timed action, to call off
   */
  Timed schedule(Runnable action, long delayNanos);
}
