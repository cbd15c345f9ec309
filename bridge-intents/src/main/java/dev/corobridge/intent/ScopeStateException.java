// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

/**
 * Thrown when an {@link IntentScope} is used out of turn: flushed or discarded twice, ended while a scope nested in it is still open, or given an intent after it ended.
 */
public class ScopeStateException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with a message that says what happened and what to do instead.
   *
   * @param message what went wrong
   */
  public ScopeStateException(String message) {
    super(message);
  }
}
