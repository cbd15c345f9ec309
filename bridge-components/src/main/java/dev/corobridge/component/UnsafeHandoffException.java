// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

/**
 * Thrown when a value known to be unsafe to share between threads (a JDBC connection, a stream, a
 * formatter, ...) would cross to another thread and no hand-off rule copies it. Register a rule with
 * {@link HandoffRules#with}, let the type implement {@link ThreadHandoff}, or pass something else.
 */
public class UnsafeHandoffException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with a message naming the value's type and what to do.
   *
   * @param message what cannot be handed off
   */
  public UnsafeHandoffException(String message) {
    super(message);
  }
}
