// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import java.util.concurrent.CompletionException;

/**
 * The one rule every runtime follows to tell a task's own exception from the wrapping that futures add.
 * Not part of the public API.
 *
 * <p>A {@code CompletableFuture} stage that depends on a failed one fails with a {@link CompletionException}
 * around the original exception, and {@code join()}/{@code getNow()} throw one; those layers are removed.
 * An {@link java.util.concurrent.ExecutionException} is never removed: no stage adds one (only
 * {@code get()} throws it, and callers of {@code get()} take its cause themselves), so one seen in a
 * stage's outcome is the task's own exception, and the task's future fails with exactly it.
 */
public final class Failures {
  private Failures() {}

  /** The exception inside the {@code CompletionException} layers around {@code failure}, or {@code failure} itself. */
  public static Throwable unwrap(Throwable failure) {
    Throwable e = failure;
    while (e instanceof CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
