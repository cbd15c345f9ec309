// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

/**
 * Thrown by {@link Airlock#enqueue} when no {@link IntentScope} is open for the current unit of work. Intents are never dispatched silently at once: open a scope ({@code Airlock.scope()}, {@code Airlock.scoped(...)}) around the unit of work.
 */
public class NoScopeException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with a message that says what happened and what to do instead.
   *
   * @param message what went wrong
   */
  public NoScopeException(String message) {
    super(message);
  }
}
