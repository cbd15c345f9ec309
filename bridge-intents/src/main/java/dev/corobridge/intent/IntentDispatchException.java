// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import java.util.List;

/**
 * Thrown by a flush when the {@link IntentExecutor} failed to dispatch intents. Under
 * {@link FlushMode#FAIL_FAST} it carries the first failure as its cause and the intents after it were
 * not dispatched; under {@link FlushMode#ROBUST} every other intent was dispatched and each failure is
 * attached as suppressed, the first also as the cause.
 */
public class IntentDispatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient List<Intent> failed;

  /**
   * Creates the exception for the intents in {@code failed}, whose failures are {@code errors} in the same order.
   *
   * @param failed the intents whose dispatch failed
   * @param errors their failures, in the same order
   */
  public IntentDispatchException(List<Intent> failed, List<Throwable> errors) {
    super("failed to dispatch " + failed, errors.isEmpty() ? null : errors.get(0));
    this.failed = List.copyOf(failed);
    for (int i = 1; i < errors.size(); i++) {
      addSuppressed(errors.get(i));
    }
  }

  /**
   * The intents whose dispatch failed, in flush order.
   *
   * @return the intents whose dispatch failed
   */
  public List<Intent> failedIntents() {
    return failed;
  }
}
