// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

/**
 * What one component made of its input: its value, or the failure it reported. Runners return one
 * per component (or per input of a chain), so one failure never hides the others' results.
 *
 * @param component the component's {@code name()}
 * @param value     the output, if it succeeded (may be null)
 * @param failure   what it failed with, or null if it succeeded
 * @param <O>       the output
 */
public record ComponentResult<O extends @Nullable Object>(String component, @Nullable O value, @Nullable Throwable failure) {
  /**
   * Whether the component succeeded.
   *
   * @return whether there is no failure
   */
  public boolean succeeded() {
    return failure == null;
  }

  /**
   * The value, or the failure thrown (unchecked as it is, checked wrapped in {@link CompletionException}).
   *
   * @return the value, if the component succeeded
   */
  public O valueOrThrow() {
    if (failure == null) return value;
    if (failure instanceof RuntimeException r) throw r;
    if (failure instanceof Error e) throw e;
    throw new CompletionException(failure);
  }

  @Override
  public String toString() {
    return component + (failure == null ? " -> " + value : " failed: " + failure);
  }
}
