// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

/** An action on a clock that can be called off. Not part of the public API. */
public interface Timed {
  /**
   * Calls the action off.
   *
   * @return false if it has already started, in which case it runs to its end
   */
  boolean cancel();
}
