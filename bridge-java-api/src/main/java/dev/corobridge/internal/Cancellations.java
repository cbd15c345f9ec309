// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import java.util.concurrent.CancellationException;

/**
 * The cancellations a shutdown with {@code cancelFutures}, or {@code shutdownNow()}, hands out, worded once for every runtime. A
 * future failed with one reports {@code isCancelled()} and says why. Each call makes a new instance, so no
 * two futures share one. Not part of the public API.
 */
public final class Cancellations {
  private Cancellations() {}

  /** For a task of executor {@code executor} that had not started. */
  public static CancellationException notStarted(String executor) {
    return new CancellationException("executor " + executor + " was shut down before the task started");
  }

  /** For a task of executor {@code executor} that was running when it was shut down with {@code shutdownNow()}. */
  public static CancellationException stoppedNow(String executor) {
    return new CancellationException("executor " + executor + " was shut down with shutdownNow() while the task ran");
  }

  /** For a {@code mapIter} stream of executor {@code executor} that had not ended. */
  public static CancellationException streamCutShort(String executor) {
    return new CancellationException("executor " + executor + " was shut down before the stream ended");
  }
}
