// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import dev.corobridge.ExecutorShutdownException;
import dev.corobridge.OutOfResourcesException;
import java.util.Collection;

/**
 * The exceptions an executor throws at the call when it refuses work, worded once for every runtime. Each
 * call makes a new instance. Not part of the public API.
 */
public final class Refusals {
  private Refusals() {}

  /** For work offered to executor {@code executor} after it was shut down. */
  public static ExecutorShutdownException shutDown(String executor) {
    return new ExecutorShutdownException("executor " + executor + " is shut down and accepts no new work");
  }

  /** For a task offered when {@code capacity} tasks already wait to start and all {@code maxWorkers} are busy. */
  public static OutOfResourcesException queueFull(String executor, int capacity, int maxWorkers) {
    return new OutOfResourcesException("executor " + executor + " refused a task: its queue of " + capacity
        + " tasks waiting to start is full (" + maxWorkers + " workers busy)");
  }

  /** For options naming {@code lane}, which executor {@code executor} (with {@code lanes}) does not have. */
  public static IllegalArgumentException unknownLane(String lane, String executor, Collection<String> lanes) {
    return new IllegalArgumentException("unknown lane \"" + lane + "\": executor " + executor + " has lanes " + lanes);
  }
}
