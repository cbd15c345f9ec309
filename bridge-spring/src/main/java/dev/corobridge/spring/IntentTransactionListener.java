// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spring;

import org.springframework.transaction.TransactionExecution;
import org.springframework.transaction.TransactionExecutionListener;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Binds an intent scope to every transaction a transaction manager begins ({@link TransactionIntents#bind()}),
 * so that {@code Airlock.enqueue(...)} anywhere in a {@code @Transactional} method is dispatched only after
 * the transaction commits. Register it with the manager
 * ({@code ((ConfigurableTransactionManager) manager).addListener(new IntentTransactionListener())}); Spring
 * Boot adds every {@code TransactionExecutionListener} bean to its transaction manager.
 */
public final class IntentTransactionListener implements TransactionExecutionListener {
  /** Creates the listener. */
  public IntentTransactionListener() {}

  @Override
  public void afterBegin(TransactionExecution transaction, Throwable beginFailure) {
    if (beginFailure == null && transaction.isNewTransaction() && TransactionSynchronizationManager.isSynchronizationActive()) {
      TransactionIntents.bind();
    }
  }
}
