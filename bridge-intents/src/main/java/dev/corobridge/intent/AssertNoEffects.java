// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

/**
 * Refuses every intent at enqueue with {@link PolicyViolationException}: for code that must not have
 * side effects (a read-only request, a retry of a query), so that one enqueue is a loud failure.
 */
public final class AssertNoEffects implements IntentPolicy {
  /** Creates the policy that refuses every intent at enqueue. */
  public AssertNoEffects() {}

  @Override
  public void onEnqueue(Intent intent) {
    throw new PolicyViolationException("no side effects allowed here, but " + intent + " was enqueued from " + intent.origin());
  }

  @Override
  public String toString() {
    return "AssertNoEffects";
  }
}
