// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Says which item failed a batch. A {@code map} or {@code mapBlocking} batch fails with the exception of its first
 * failed item, of that item's own type; this is attached to that exception as a {@linkplain
 * Throwable#getSuppressed() suppressed} exception, naming the item's index in the input and a short rendering of it
 * ({@code String.valueOf(item)}, cut at 80 characters), so a log of the failure says "item 17 of the batch:
 * https://example.org/17". It carries no stack trace.
 *
 * <pre>{@code
 * executor.map(this::fetch, urls).exceptionally(e -> {
 *   FailedItem.of(e).ifPresent(item -> log.warn("{} failed: {}", item.item(), e));
 *   return List.of();
 * });
 * }</pre>
 *
 * <p>An exception that already carries one (the same exception object thrown for several items, or again in a
 * later batch) is not given another.
 */
public final class FailedItem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The item's index in the input, from 0. */
  private final long index;
  /** A short rendering of the item. */
  private final String item;

  /**
   * Creates the note that item {@code index}, rendered as {@code item}, failed its batch.
   *
   * @param index the item's index in the input, from 0
   * @param item  a short rendering of the item
   */
  public FailedItem(long index, String item) {
    super("item " + index + " of the batch: " + item, null, false, false);
    this.index = index;
    this.item = item;
  }

  /**
   * The failed item's index in the batch's input, from 0.
   *
   * @return the index
   */
  public long index() {
    return index;
  }

  /**
   * A short rendering of the failed item ({@code String.valueOf(item)}, cut at 80 characters).
   *
   * @return the rendering
   */
  public String item() {
    return item;
  }

  /**
   * The note attached to {@code failure} (or to the cause of a {@link java.util.concurrent.CompletionException} or
   * {@link java.util.concurrent.ExecutionException} around it), if a batch attached one.
   *
   * @param failure the exception a batch failed with
   * @return the note, or empty
   * @throws NullPointerException if {@code failure} is null
   */
  public static Optional<FailedItem> of(Throwable failure) {
    Objects.requireNonNull(failure, "failure");
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      for (Throwable suppressed : t.getSuppressed()) {
        if (suppressed instanceof FailedItem note) return Optional.of(note);
      }
      if (!(t instanceof CompletionException || t instanceof ExecutionException)) break;
    }
    return Optional.empty();
  }
}
