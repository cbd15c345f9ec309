// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

/** Allows every intent: the default policy. */
public final class AllowAll implements IntentPolicy {
  /** Creates the policy that lets every intent through. */
  public AllowAll() {}

  @Override
  public String toString() {
    return "AllowAll";
  }
}
