// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import static dev.corobridge.dbscheduler.Databases.await;
import static dev.corobridge.dbscheduler.Databases.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentHandlers;
import dev.corobridge.spring.IntentTransactionListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.TransactionAwareDataSourceProxy;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbox under Spring transactions: a {@code DataSourceTransactionManager} whose every transaction gets an
 * intent scope ({@code bridge-spring}), and the executor writing through the transaction's connection. The intent's
 * row commits or rolls back with the business rows; a worker runs what committed. On H2 in-process, and on
 * PostgreSQL when one is configured ({@link PostgresSpringOutboxTest}).
 */
class SpringOutboxTest {
  DataSource freshDatabase() throws Exception {
    return Databases.h2();
  }

  private final List<String> mailed = new CopyOnWriteArrayList<>();
  private DataSource database;
  private JdbcTemplate jdbc;
  private TransactionTemplate transaction;

  @BeforeEach
  void start() throws Exception {
    database = freshDatabase();
    jdbc = new JdbcTemplate(database);
    DataSourceTransactionManager manager = new DataSourceTransactionManager(database);
    manager.addListener(new IntentTransactionListener());
    transaction = new TransactionTemplate(manager);
    Airlock.configure(DbSchedulerIntentExecutor.builder(new TransactionAwareDataSourceProxy(database)).build(), null, null);
    IntentHandlers.register("welcomeMail", intent -> mailed.add("welcome " + intent.arg(0)));
  }

  @AfterEach
  void stop() {
    Airlock.resetConfiguration();
    IntentHandlers.unregister("welcomeMail");
  }

  private void signUp(String email) {
    transaction.executeWithoutResult(status -> {
      jdbc.update("insert into users values (?)", email);
      Airlock.enqueue(Intent.named("welcomeMail").args(email).build());
      if (email.endsWith("@invalid")) throw new IllegalArgumentException("invalid address " + email);
    });
  }

  @Test
  void aCommittedTransactionStoresItsIntentWithItsRowsAndARolledBackOneNeither() throws Exception {
    signUp("a@b");
    assertThrows(IllegalArgumentException.class, () -> signUp("c@invalid"));
    assertEquals(1, count(database, "users"));
    assertEquals(1, count(database, "scheduled_tasks"), "only the committed transaction's intent is stored");
    try (DbSchedulerIntentWorker worker = DbSchedulerIntentWorker.builder(database).pollingInterval(Duration.ofMillis(50)).build().start()) {
      await(() -> mailed.size() == 1, mailed::toString);
    }
    assertEquals(List.of("welcome a@b"), mailed);
  }

  @Test
  void anIntentThatCannotBeStoredFailsTheTransactionAtEnqueue() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> transaction.executeWithoutResult(status -> {
      jdbc.update("insert into users values ('a@b')");
      Airlock.enqueue(Intent.named("welcomeMail").args(new Object()).build());
    }));
    assertEquals(0, count(database, "users"), "the transaction rolled back");
    assertTrue(count(database, "scheduled_tasks") == 0);
  }
}
