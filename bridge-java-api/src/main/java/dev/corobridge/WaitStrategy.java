// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

/**
 * When {@link AsyncExecutor#waitFor(java.util.Collection, WaitStrategy)} completes.
 * Whatever the strategy, waiting never cancels the futures waited for.
 */
public enum WaitStrategy {
  /** Completes when every future is done. */
  ALL_COMPLETED,
  /** Completes when any future is done, whatever its outcome. */
  FIRST_COMPLETED,
  /** Completes when any future fails (including by cancellation), else when every future is done. */
  FIRST_EXCEPTION,
  /** Completes when any future succeeds, else when every future is done. */
  FIRST_SUCCESS
}
