// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

/**
 * Thrown by {@link IntentPolicy#onEnqueue} to refuse an intent; {@link Airlock#enqueue} rethrows it to the code that tried to enqueue.
 */
public class PolicyViolationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with a message that says what happened and what to do instead.
   *
   * @param message what went wrong
   */
  public PolicyViolationException(String message) {
    super(message);
  }
}
