// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

/** What a flush does when the {@link IntentExecutor} fails to dispatch an intent. */
public enum FlushMode {
  /** Stop at the first failure and throw it in an {@link IntentDispatchException}; the rest are not dispatched. The default. */
  FAIL_FAST,
  /** Log each failure, dispatch the other intents, then throw all failures together in one {@link IntentDispatchException}. */
  ROBUST
}
