// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import dev.corobridge.FailedItem;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;

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

  /**
   * Attaches the failures of a task's earlier attempts to the last one, as suppressed exceptions, in order and
   * each instance once (a task may fail with the same exception every time; the last is never attached to
   * itself). Linear in the number of attempts.
   */
  public static void attachEarlierAttempts(Throwable last, List<Throwable> earlier) {
    Set<Throwable> attached = Collections.newSetFromMap(new IdentityHashMap<>());
    attached.add(last);
    for (Throwable failure : earlier) {
      if (attached.add(failure)) last.addSuppressed(failure);
    }
  }

  /** How long a {@link FailedItem}'s rendering of an item may be. */
  private static final int ITEM_RENDERING_LIMIT = 80;

  /**
   * Attaches to {@code failure}, the first failure of a batch, the {@link FailedItem} note that item {@code index}
   * failed, unless it carries one already. Call it before anyone can see the batch fail with {@code failure}.
   */
  public static void attachFailedItem(Throwable failure, long index, @Nullable Object item) {
    attach(failure, failedItem(index, item));
  }

  /** Attaches {@code note} to {@code failure} unless it carries a {@link FailedItem} already. */
  public static void attach(Throwable failure, FailedItem note) {
    if (FailedItem.of(failure).isEmpty()) failure.addSuppressed(note);
  }

  /** The note that item {@code index} failed, with a short rendering of {@code item} (whose toString may throw). */
  public static FailedItem failedItem(long index, @Nullable Object item) {
    String text;
    try {
      text = String.valueOf(item);
    } catch (RuntimeException e) {
      text = "(its toString() threw " + e + ")";
    }
    if (text.length() > ITEM_RENDERING_LIMIT) text = text.substring(0, ITEM_RENDERING_LIMIT - 1) + "\u2026";
    return new FailedItem(index, text);
  }
}
