// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spring;

import dev.corobridge.intent.FlushMode;
import dev.corobridge.intent.IntentExecutor;
import dev.corobridge.intent.IntentPolicy;
import dev.corobridge.intent.IntentScope;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.jspecify.annotations.Nullable;

/**
 * An {@link IntentScope} whose intents are dispatched only once the Spring transaction that is active when it
 * flushes has committed, and never if that transaction rolls back: airlock's {@code DjangoScope}, on
 * {@code TransactionSynchronization.afterCommit}. Outside a transaction it dispatches at once, as a plain scope.
 *
 * <p>Open it like any scope ({@code Airlock.open(new TransactionIntentScope())}, or make it the application's
 * default with {@code Airlock.configureScopes(TransactionIntentScope::new)}), or let {@link TransactionIntents}
 * bind one to every transaction. Its flush mode defaults to {@link FlushMode#ROBUST}: one intent that fails to
 * dispatch does not keep the others from running, and the failures reach the caller of {@code commit()} as one
 * {@link dev.corobridge.intent.IntentDispatchException} (the transaction has committed by then).
 *
 * <p>An executor that {@linkplain IntentExecutor#enlistsInTransaction() enlists in the transaction} (a transactional
 * outbox, such as {@code bridge-db-scheduler}'s) is dispatched to before the commit instead, inside the transaction:
 * its rows commit or roll back with the transaction's own, and a failure to write them fails the commit.
 *
 * <p>The dispatch runs in {@code afterCommit}, while the committed transaction's resources are still bound to
 * the thread: a handler that writes to the database through Spring must start a transaction of its own
 * ({@code REQUIRES_NEW}), or the intents should go to an {@code AsyncExecutor}
 * ({@code IntentExecutors.on(executor)}), whose threads have no transaction.
 */
public class TransactionIntentScope extends IntentScope {
  /** Set while the transaction this scope is bound to completes: a flush then dispatches at once. */
  private volatile boolean completing;

  /** A scope with the configured executor and policy, and the {@link FlushMode#ROBUST} flush mode. */
  public TransactionIntentScope() {
    this(null, null, null);
  }

  /**
   * A scope with the given executor, policy and flush mode; {@code null} for any of them means the default
   * ({@link FlushMode#ROBUST} for the flush mode). The constructor {@code Airlock.configureScopes} and the
   * {@code scope} setting use.
   *
   * @param executor the executor its intents are dispatched through, or {@code null}
   * @param policy the policy every intent must pass, or {@code null}
   * @param flushMode what a failing dispatch does to the rest of the flush, or {@code null}
   */
  public TransactionIntentScope(@Nullable IntentExecutor executor, @Nullable IntentPolicy policy, @Nullable FlushMode flushMode) {
    super(executor, policy, flushMode);
  }

  @Override
  protected FlushMode defaultFlushMode() {
    return FlushMode.ROBUST;
  }

  /**
   * Dispatches after the current transaction commits (not at all if it rolls back), or at once if no
   * transaction synchronization is active, the transaction is completing already, or the executor
   * {@linkplain dev.corobridge.intent.IntentExecutor#enlistsInTransaction() enlists in the transaction} (an outbox:
   * the intents are then written inside the transaction, and stored if and only if it commits).
   */
  @Override
  protected void scheduleFlush(Runnable dispatch) {
    if (completing || executor().enlistsInTransaction() || !TransactionSynchronizationManager.isSynchronizationActive()) {
      dispatch.run();
      return;
    }
    TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
      @Override
      public void afterCommit() {
        dispatch.run();
      }
    });
  }

  /** The transaction this scope is bound to is completing: a flush from now on dispatches at once. */
  void completing() {
    completing = true;
  }

  /** Where the pending intents stand now: a savepoint's mark. */
  int mark() {
    return pending().size();
  }

  /** The transaction rolled back to a savepoint taken at {@code mark}: the intents enqueued since are dropped. */
  void rollBackTo(int mark) {
    if (isOpen()) dropPendingFrom(mark);
  }
}
