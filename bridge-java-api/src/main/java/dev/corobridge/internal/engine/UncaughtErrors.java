// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal.engine;

import java.util.function.Consumer;

/**
 * Hands a failure nobody waits for (a spawned task's, a command's of {@code execute}) to the executor's
 * {@code onUncaughtError} handler. A handler that throws loses nothing: its failure, with the original one
 * attached as suppressed, is logged at {@code ERROR} on the {@code dev.corobridge} {@link System.Logger}.
 * Not part of the public API.
 */
public final class UncaughtErrors {
  private UncaughtErrors() {}

  /** Hands {@code error} to {@code handler}, the handler of executor {@code executor}. Never throws. */
  public static void report(Consumer<Throwable> handler, String executor, Throwable error) {
    try {
      handler.accept(error);
    } catch (Throwable handlerFailure) {
      handlerFailure.addSuppressed(error);
      System.getLogger("dev.corobridge").log(System.Logger.Level.ERROR,
          "the onUncaughtError handler of executor " + executor + " failed", handlerFailure);
    }
  }
}
