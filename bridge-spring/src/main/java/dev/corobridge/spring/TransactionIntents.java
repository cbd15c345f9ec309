// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spring;

import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.IntentScope;
import java.util.IdentityHashMap;
import java.util.Map;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.jspecify.annotations.Nullable;

/**
 * Binds an intent scope to a Spring transaction, so that code running in the transaction can
 * {@code Airlock.enqueue(...)} without opening a scope: the scope flushes when the transaction commits
 * (its intents are dispatched after the commit) and discards when it rolls back. Register
 * {@link IntentTransactionListener} with the transaction manager to bind a scope to every transaction it
 * begins, or call {@link #bind()} inside a transaction.
 *
 * <p>Propagation: code that joins a transaction ({@code REQUIRED}, {@code SUPPORTS}, {@code MANDATORY}) joins its
 * scope; a transaction begun with {@code REQUIRES_NEW} or {@code NOT_SUPPORTED} suspends the outer one, and with it
 * its scope, which is not current until the outer transaction resumes: the inner transaction's intents follow the
 * inner transaction's outcome. A {@code NESTED} transaction (a savepoint) shares the scope; if it rolls back to its
 * savepoint, the intents enqueued since the savepoint are dropped. A scope bound to a transaction is not nested in
 * the scope that was current when the transaction began, so what it dispatches is decided by its transaction alone.
 */
public final class TransactionIntents {
  /** The key of the scope bound to the current transaction, among the transaction's resources. */
  private static final Object SCOPE = new Object() {
    @Override
    public String toString() {
      return "corobridge intent scope";
    }
  };

  private TransactionIntents() {}

  /**
   * Returns the scope bound to the current transaction, binding a new {@link TransactionIntentScope} (made
   * current on this thread) if there is none yet.
   *
   * @return the scope of the current transaction
   * @throws IllegalStateException if no transaction synchronization is active on this thread
   */
  public static IntentScope bind() {
    if (!TransactionSynchronizationManager.isSynchronizationActive()) {
      throw new IllegalStateException("no Spring transaction synchronization is active on this thread: call bind() "
          + "inside a transaction (@Transactional, TransactionTemplate), or open a scope with Airlock.scope()");
    }
    Object bound = TransactionSynchronizationManager.getResource(SCOPE);
    if (bound != null) return (IntentScope) bound;
    IntentScope previous = Airlock.swapCurrent(null); // not nested: the transaction alone decides
    TransactionIntentScope scope;
    try {
      scope = Airlock.open(new TransactionIntentScope());
    } catch (RuntimeException | Error e) {
      Airlock.swapCurrent(previous);
      throw e;
    }
    TransactionSynchronizationManager.bindResource(SCOPE, scope);
    TransactionSynchronizationManager.registerSynchronization(new Binding(scope, previous));
    return scope;
  }

  /**
   * The scope bound to the current transaction, if any.
   *
   * @return the bound scope, or {@code null}
   */
  public static @Nullable IntentScope current() {
    return TransactionSynchronizationManager.isSynchronizationActive()
        ? (IntentScope) TransactionSynchronizationManager.getResource(SCOPE) : null;
  }

  /** Ends the bound scope with its transaction, and keeps it current only while its transaction is. */
  private static final class Binding implements TransactionSynchronization {
    private final TransactionIntentScope scope;
    /** The scope current on the thread before the transaction's scope was bound, current again afterwards. */
    private final IntentScope before;
    /** While the transaction is suspended: what was current on the thread when it was suspended. */
    private IntentScope whenSuspended;
    /** Savepoint -> the scope's mark when it was taken (a NESTED transaction); guarded by this. */
    private final Map<Object, Integer> savepoints = new IdentityHashMap<>();

    Binding(TransactionIntentScope scope, IntentScope before) {
      this.scope = scope;
      this.before = before;
    }

    @Override
    public void suspend() {
      TransactionSynchronizationManager.unbindResource(SCOPE);
      whenSuspended = Airlock.swapCurrent(null);
    }

    @Override
    public void resume() {
      TransactionSynchronizationManager.bindResource(SCOPE, scope);
      Airlock.swapCurrent(whenSuspended);
      whenSuspended = null;
    }

    @Override
    public synchronized void savepoint(Object savepoint) {
      savepoints.put(savepoint, scope.mark());
    }

    @Override
    public void savepointRollback(Object savepoint) {
      Integer mark;
      synchronized (this) {
        mark = savepoints.get(savepoint);
      }
      if (mark != null) scope.rollBackTo(mark); // what the rolled-back nested transaction enqueued is dropped
    }

    /** An outbox executor writes its intents now, inside the transaction; a failure fails the commit. */
    @Override
    public void beforeCommit(boolean readOnly) {
      if (scope.isOpen() && scope.executor().enlistsInTransaction()) {
        scope.complete();
        end();
      }
    }

    @Override
    public void afterCommit() {
      if (!scope.isOpen()) return; // written before the commit
      scope.completing();
      scope.complete();
      end();
    }

    @Override
    public void afterCompletion(int status) {
      TransactionSynchronizationManager.unbindResourceIfPossible(SCOPE);
      if (scope.isOpen()) end(); // rolled back (or the commit failed): complete() was not reached, so it discards
      if (Airlock.current().orElse(null) == scope) Airlock.swapCurrent(before);
    }

    private void end() {
      try {
        scope.close();
      } finally {
        Airlock.swapCurrent(before);
      }
    }

    @Override
    public int getOrder() {
      return LOWEST_PRECEDENCE; // after the synchronizations of resources, which the handlers may look at
    }
  }
}
