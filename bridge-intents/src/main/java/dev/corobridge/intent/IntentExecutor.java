// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

/**
 * Dispatches the intents a scope flushes: runs them here, hands them to a thread pool or an
 * {@link dev.corobridge.AsyncExecutor}, or sends them to a job engine elsewhere. Built-ins are in
 * {@link IntentExecutors}; the default is {@linkplain IntentExecutors#synchronous() synchronous}.
 * An executor found through {@code ServiceLoader} or the {@code corobridge.intent.executor} system
 * property needs a public no-argument constructor.
 */
@FunctionalInterface
public interface IntentExecutor {
  /**
   * Dispatches one intent. An exception thrown here is a failed dispatch, handled by the scope's
   * {@link FlushMode}; failures of work that runs later belong to the executor.
   *
   * @param intent the intent to run or hand on
   * @throws Exception if the dispatch fails
   */
  void dispatch(Intent intent) throws Exception;
}
