// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import dev.corobridge.internal.Checks;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Allows every intent and logs each one as its scope flushes it, at {@code INFO}, through the given
 * {@code System.Logger} or, by default, the one named {@code dev.corobridge.intent}.
 */
public final class LogOnFlush implements IntentPolicy {
  private final Logger logger;

  /** Creates the policy that logs every intent it lets through to the logger {@code dev.corobridge.intent}. */
  public LogOnFlush() {
    this(System.getLogger("dev.corobridge.intent"));
  }

  /**
   * Creates the policy that logs every intent it lets through to {@code logger}.
   *
   * @param logger where to log
   */
  public LogOnFlush(Logger logger) {
    this.logger = Checks.notNull(logger, "logger");
  }

  @Override
  public boolean allows(Intent intent) {
    logger.log(Level.INFO, "flushing {0} (from {1})", intent, intent.origin());
    return true;
  }

  @Override
  public String toString() {
    return "LogOnFlush(" + logger.getName() + ")";
  }
}
