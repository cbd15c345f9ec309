// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

/** Accepts every intent and dispatches none: a dry run of the code, with its side effects dropped. */
public final class DropAll implements IntentPolicy {
  /** Creates the policy that drops every intent at dispatch. */
  public DropAll() {}

  @Override
  public boolean allows(Intent intent) {
    return false;
  }

  @Override
  public String toString() {
    return "DropAll";
  }
}
