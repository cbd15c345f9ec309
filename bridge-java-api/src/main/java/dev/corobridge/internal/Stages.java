// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The one rule every runtime follows for a {@link CompletionStage} that user code hands it (a task's
 * result, an item's, an input of {@code asCompleted}). Not part of the public API.
 *
 * <p>A stage is waited for through a {@link CompletableFuture}, which completes once whatever the stage
 * does: its own {@code toCompletableFuture()} or, when the stage refuses the conversion in any way (the
 * interface allows {@link UnsupportedOperationException}; a broken stage may throw anything), a copy that
 * follows it through {@code whenComplete}, so a stage calling its callbacks twice still ends its task once.
 * A stage whose callbacks cannot even be registered is followed as failed with what it threw. Cancelling
 * reaches the stage only through its own future; a stage that cannot be converted runs on until it
 * completes. Neither method ever throws.
 */
public final class Stages {
  private Stages() {}

  /**
   * A future that completes once with {@code stage}'s outcome: the stage itself if it is a
   * {@code CompletableFuture}, else its own future, else a copy that follows it.
   */
  public static <T> CompletableFuture<T> follow(CompletionStage<T> stage) {
    if (stage instanceof CompletableFuture<T> future) return future;
    try {
      return stage.toCompletableFuture();
    } catch (RuntimeException cannotConvert) {
      CompletableFuture<T> copy = new Copy<>();
      try {
        stage.whenComplete((value, failure) -> {
          if (failure == null) copy.complete(value);
          else copy.completeExceptionally(failure);
        });
      } catch (RuntimeException broken) {
        copy.completeExceptionally(broken);
      }
      return copy;
    }
  }

  /**
   * Whether cancelling {@code followed}, a future from {@link #follow}, reaches the stage it follows; a copy
   * does not, so whoever must wait until the work has really stopped waits for the copy to complete.
   */
  public static boolean reachesStage(CompletableFuture<?> followed) {
    return !(followed instanceof Copy);
  }

  /** A future that follows a stage which cannot be converted. */
  private static final class Copy<T> extends CompletableFuture<T> {}

  /**
   * Asks {@code stage} to stop by cancelling its own future, interrupting it if it runs on a thread; a stage
   * that cannot be converted is left to complete in its own time.
   */
  public static void cancel(CompletionStage<?> stage) {
    try {
      stage.toCompletableFuture().cancel(true);
    } catch (RuntimeException cannotConvert) {
      // Not ours to stop: its completion ends the work.
    }
  }
}
