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

  /**
   * Checks, when {@code intent} is enqueued in a scope that may dispatch through this executor, that
   * the executor could dispatch it, so that a mistake fails where it is made rather than when the scope
   * flushes. An executor that sends intents to another process encodes them here
   * ({@link IntentCodec#encode}). By default every intent is accepted.
   *
   * @param intent the intent being enqueued
   * @throws IllegalArgumentException if the executor could not dispatch the intent; the message says why
   */
  default void validate(Intent intent) {
  }

  /**
   * Whether this executor records intents as part of the unit of work's own transaction (a transactional
   * outbox, such as a job engine's table written with the transaction's connection). A scope bound to a
   * transaction then dispatches to it before the transaction commits, inside it, so that the intents are
   * stored if and only if the transaction commits; otherwise it dispatches after the commit. False by default.
   *
   * @return whether dispatch belongs inside the transaction
   */
  default boolean enlistsInTransaction() {
    return false;
  }

  /**
   * Dispatches the intents of one flush (those the policies allowed, in order) as one step, all or none, if
   * this executor can do better than one at a time: an outbox writes a batch with one statement round trip. A
   * scope calls it for two intents or more; it returns {@code false}, having done nothing, when the executor has
   * no such step, and the scope then {@linkplain #dispatch dispatches} them one by one under its
   * {@link FlushMode}. A batch that fails fails as a whole: the scope's flush fails with every intent of it. The
   * default returns {@code false}.
   *
   * @param intents the intents to dispatch, at least two
   * @return whether the batch was dispatched; {@code false} means nothing was done
   * @throws Exception if the batch was tried and failed; then none of it was dispatched
   */
  default boolean dispatchBatch(java.util.List<Intent> intents) throws Exception {
    return false;
  }
}
