// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

/**
 * Thrown when code running inside a policy callback ({@link IntentPolicy#onEnqueue} or {@link IntentPolicy#allows}) enqueues an intent: policies decide about intents, they do not create them.
 */
public class PolicyEnqueueException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with a message that says what happened and what to do instead.
   *
   * @param message what went wrong
   */
  public PolicyEnqueueException(String message) {
    super(message);
  }
}
