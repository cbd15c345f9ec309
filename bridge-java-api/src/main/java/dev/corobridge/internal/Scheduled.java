// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An action on a clock that runs at most once and can be called off until it starts: whoever wins
 * {@link #claim()}, the clock or {@link #cancel()}, decides. Not part of the public API.
 */
public class Scheduled extends AtomicBoolean implements Runnable, Timed {
  private static final long serialVersionUID = 1L;
  private final Runnable action;

  /**
   * An action to run at most once.
   *
   * @param action what to run
   */
  protected Scheduled(Runnable action) {
    this.action = action;
  }

  private boolean claim() {
    return compareAndSet(false, true);
  }

  @Override
  public void run() {
    if (claim()) action.run();
  }

  @Override
  public boolean cancel() {
    boolean won = claim();
    if (won) onCancelled();
    return won;
  }

  /** Lets the clock forget the action. */
  protected void onCancelled() {}
}
