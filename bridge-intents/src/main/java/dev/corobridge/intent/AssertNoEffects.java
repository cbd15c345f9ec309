// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

/**
 * Refuses every intent at enqueue with {@link PolicyViolationException}: for code that must not have
 * side effects (a read-only request, a retry of a query), so that one enqueue is a loud failure. An
 * intent a nested scope hands up when it flushes is not enqueued again, so it meets no {@code onEnqueue}:
 * it is dropped at the flush ({@link #allows} is false).
 */
public final class AssertNoEffects implements IntentPolicy {
  /** Creates the policy that refuses every intent at enqueue. */
  public AssertNoEffects() {}

  @Override
  public void onEnqueue(Intent intent) {
    throw new PolicyViolationException("no side effects allowed here, but " + intent + " was enqueued from " + intent.origin());
  }

  /**
   * Allows none: intents that reach the scope without {@link #onEnqueue} (handed up by a nested scope
   * that flushed) are dropped, as airlock drops them, never dispatched from a scope that asserts no effects.
   */
  @Override
  public boolean allows(Intent intent) {
    return false;
  }

  @Override
  public String toString() {
    return "AssertNoEffects";
  }
}
