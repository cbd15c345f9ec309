// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/** Allows every intent and logs each one as its scope flushes it, through {@code System.Logger} {@code dev.corobridge.intent}. */
public final class LogOnFlush implements IntentPolicy {
  private static final Logger LOG = System.getLogger("dev.corobridge.intent");

  /** Creates the policy that logs every intent it lets through. */
  public LogOnFlush() {}

  @Override
  public boolean allows(Intent intent) {
    LOG.log(Level.INFO, "flushing {0} (from {1})", intent, intent.origin());
    return true;
  }

  @Override
  public String toString() {
    return "LogOnFlush";
  }
}
