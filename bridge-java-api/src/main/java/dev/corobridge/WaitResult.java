// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link AsyncExecutor#waitFor(java.util.Collection, WaitStrategy)}: the futures
 * that were done and those still pending at the moment the wait ended. Both sets keep the order
 * of the input and cannot be modified.
 *
 * @param done    the futures that were done when the wait ended
 * @param pending the futures that were not yet done when the wait ended
 * @param <T>     the type of the futures' results
 */
public record WaitResult<T extends @Nullable Object>(Set<CompletableFuture<T>> done, Set<CompletableFuture<T>> pending) {
  /**
   * Creates a result, copying both sets.
   *
   * @param done the futures that were done when the wait ended
   * @param pending the futures that were not
   * @throws NullPointerException if {@code done} or {@code pending} is null
   */
  public WaitResult {
    done = Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(done, "done")));
    pending = Collections.unmodifiableSet(new LinkedHashSet<>(Objects.requireNonNull(pending, "pending")));
  }
}
