// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentDispatchException;
import dev.corobridge.intent.IntentExecutor;
import dev.corobridge.intent.IntentScope;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabase;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Intents bound to real Spring transactions (a {@link DataSourceTransactionManager} over an embedded H2
 * database): dispatched after commit, dropped on rollback, as airlock's {@code DjangoScope} does with
 * {@code on_commit}.
 */
class TransactionIntentsTest {
  private final List<String> ran = new CopyOnWriteArrayList<>();
  private EmbeddedDatabase database;
  private JdbcTemplate jdbc;
  private DataSourceTransactionManager manager;
  private TransactionTemplate transaction;

  @BeforeEach
  void startDatabase() {
    database = new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build();
    jdbc = new JdbcTemplate(database);
    jdbc.execute("create table users (email varchar(100) primary key)");
    manager = new DataSourceTransactionManager(database);
    manager.addListener(new IntentTransactionListener());
    transaction = new TransactionTemplate(manager);
  }

  @AfterEach
  void stopDatabase() {
    database.shutdown();
    assertEquals(Optional.empty(), Airlock.current(), "no scope is left current on the thread");
  }

  /** An intent that records its name and whether the user's row is visible to another connection. */
  private Intent welcomeMail(String email) {
    return Intent.of("welcomeMail", intent -> ran.add("welcomeMail(" + email + ", committed=" + committed(database, email) + ")"))
        .build();
  }

  private static boolean committed(DataSource database, String email) throws Exception {
    try (var connection = database.getConnection(); var query = connection.prepareStatement("select count(*) from users where email = ?")) {
      query.setString(1, email);
      try (var rows = query.executeQuery()) {
        rows.next();
        return rows.getInt(1) == 1;
      }
    }
  }

  private Intent named(String name) {
    return Intent.of(name, intent -> ran.add(name)).build();
  }

  @Test
  void anIntentEnqueuedInATransactionRunsOnlyAfterTheTransactionCommitted() {
    transaction.executeWithoutResult(status -> {
      jdbc.update("insert into users values ('a@b')");
      Airlock.enqueue(welcomeMail("a@b"));
      assertEquals(List.of(), ran, "nothing escapes while the transaction runs");
    });
    assertEquals(List.of("welcomeMail(a@b, committed=true)"), ran, "dispatched after commit, when the row is visible");
  }

  @Test
  void aRollbackDropsTheTransactionsIntents() {
    assertThrows(IllegalStateException.class, () -> transaction.executeWithoutResult(status -> {
      jdbc.update("insert into users values ('a@b')");
      Airlock.enqueue(welcomeMail("a@b"));
      throw new IllegalStateException("validation failed");
    }));
    transaction.executeWithoutResult(status -> {
      Airlock.enqueue(named("other"));
      status.setRollbackOnly();
    });
    assertEquals(List.of(), ran);
    assertEquals(0, jdbc.queryForObject("select count(*) from users", Integer.class));
  }

  @Test
  void oneIntentThatFailsDoesNotKeepTheOthersFromRunningAndTheCallerLearnsOfIt() {
    IntentDispatchException failed = assertThrows(IntentDispatchException.class, () -> transaction.executeWithoutResult(status -> {
      jdbc.update("insert into users values ('a@b')");
      Airlock.enqueue(Intent.of("broken", intent -> {
        throw new IllegalStateException("mail server down");
      }).build());
      Airlock.enqueue(named("audit"));
    }));
    assertEquals(List.of("broken"), failed.failedIntents().stream().map(Intent::name).toList());
    assertEquals(List.of("audit"), ran, "the rest of the flush ran");
    assertTrue(jdbc.queryForObject("select count(*) from users", Integer.class) == 1, "the transaction had committed");
  }

  @Test
  void codeThatJoinsTheTransactionEnqueuesIntoItsScope() {
    transaction.executeWithoutResult(outer -> {
      IntentScope scope = TransactionIntents.current();
      transaction.executeWithoutResult(joined -> {
        assertSame(scope, TransactionIntents.current(), "REQUIRED joins the transaction and its scope");
        Airlock.enqueue(named("fromJoined"));
      });
      assertEquals(List.of(), ran, "joining code's intents wait for the transaction's commit");
    });
    assertEquals(List.of("fromJoined"), ran);
  }

  @Test
  void aRequiresNewTransactionsIntentsFollowItsOwnOutcome() {
    TransactionTemplate requiresNew = new TransactionTemplate(manager);
    requiresNew.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    assertThrows(IllegalStateException.class, () -> transaction.executeWithoutResult(outer -> {
      Airlock.enqueue(named("outer"));
      IntentScope outerScope = TransactionIntents.current();
      requiresNew.executeWithoutResult(inner -> {
        assertFalse(TransactionIntents.current() == outerScope, "the inner transaction has a scope of its own");
        Airlock.enqueue(named("inner"));
      });
      assertEquals(List.of("inner"), ran, "the inner transaction committed: its intent ran");
      assertSame(outerScope, Airlock.current().orElseThrow(), "the outer scope is current again");
      throw new IllegalStateException("the outer transaction fails");
    }));
    assertEquals(List.of("inner"), ran, "the outer transaction rolled back: its intent was dropped");

    ran.clear();
    transaction.executeWithoutResult(outer -> {
      Airlock.enqueue(named("outer"));
      requiresNew.executeWithoutResult(inner -> {
        Airlock.enqueue(named("inner"));
        inner.setRollbackOnly();
      });
    });
    assertEquals(List.of("outer"), ran, "the inner rolled back, the outer committed");
  }

  @Test
  void aNestedTransactionThatRollsBackToItsSavepointDropsTheIntentsItEnqueued() {
    TransactionTemplate nested = new TransactionTemplate(manager);
    nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    transaction.executeWithoutResult(outer -> {
      Airlock.enqueue(named("before"));
      nested.executeWithoutResult(savepoint -> {
        Airlock.enqueue(named("rolledBack"));
        savepoint.setRollbackOnly();
      });
      nested.executeWithoutResult(savepoint -> Airlock.enqueue(named("kept")));
      Airlock.enqueue(named("after"));
    });
    assertEquals(List.of("before", "kept", "after"), ran, "the rolled-back savepoint's intent was dropped");
  }

  @Test
  void aScopeOpenedBeforeTheTransactionIsCurrentAgainAfterItAndDecidesNothingOfIt() throws Exception {
    List<String> outerRan = new CopyOnWriteArrayList<>();
    try (IntentScope outer = Airlock.scope(intent -> outerRan.add(intent.name()))) {
      transaction.executeWithoutResult(status -> Airlock.enqueue(named("inTransaction")));
      assertEquals(List.of("inTransaction"), ran, "the transaction's scope is not nested in the outer one");
      assertSame(outer, Airlock.current().orElseThrow());
      outer.complete();
    }
    assertEquals(List.of(), outerRan);
  }

  @Test
  void anExplicitTransactionIntentScopeWaitsForTheCommitToo() {
    DataSourceTransactionManager plain = new DataSourceTransactionManager(database); // no listener
    TransactionTemplate template = new TransactionTemplate(plain);
    template.executeWithoutResult(status -> {
      try (IntentScope scope = Airlock.open(new TransactionIntentScope())) {
        Airlock.enqueue(named("explicit"));
        scope.complete();
      }
      assertEquals(List.of(), ran, "closed inside the transaction: dispatched only after it commits");
    });
    assertEquals(List.of("explicit"), ran);
    template.executeWithoutResult(status -> {
      try (IntentScope scope = Airlock.open(new TransactionIntentScope())) {
        Airlock.enqueue(named("rolledBack"));
        scope.complete();
      }
      status.setRollbackOnly();
    });
    assertEquals(List.of("explicit"), ran);
  }

  @Test
  void outsideATransactionBindingFailsClearlyAndATransactionScopeDispatchesAtOnce() {
    IllegalStateException e = assertThrows(IllegalStateException.class, TransactionIntents::bind);
    assertTrue(e.getMessage().contains("transaction"), e.getMessage());
    assertNull(TransactionIntents.current());
    try (IntentScope scope = Airlock.open(new TransactionIntentScope())) {
      Airlock.enqueue(named("now"));
      scope.complete();
    }
    assertEquals(List.of("now"), ran);
  }

  /** An outbox: records each intent with whether a transaction was active, or fails to, as told. */
  private static final class Outbox implements IntentExecutor {
    final List<String> written = new CopyOnWriteArrayList<>();
    volatile boolean down;

    @Override
    public void dispatch(Intent intent) {
      if (down) throw new IllegalStateException("the outbox table cannot be reached");
      written.add(intent.name() + " in transaction=" + TransactionSynchronizationManager.isActualTransactionActive());
    }

    @Override
    public boolean enlistsInTransaction() {
      return true;
    }
  }

  @Test
  void anOutboxExecutorIsWrittenInsideTheTransactionBeforeItCommitsAndNotAtAllOnRollback() {
    Outbox outbox = new Outbox();
    Airlock.configure(outbox, null, null);
    try {
      transaction.executeWithoutResult(status -> {
        jdbc.update("insert into users values ('a@b')");
        Airlock.enqueue(named("welcomeMail"));
      });
      assertEquals(List.of("welcomeMail in transaction=true"), outbox.written);
      assertThrows(IllegalStateException.class, () -> transaction.executeWithoutResult(status -> {
        Airlock.enqueue(named("neverWritten"));
        throw new IllegalStateException("rolled back");
      }));
      assertEquals(List.of("welcomeMail in transaction=true"), outbox.written);
      assertEquals(List.of(), ran, "an outbox stores intents; it does not run them");
    } finally {
      Airlock.resetConfiguration();
    }
  }

  @Test
  void anOutboxThatCannotBeWrittenFailsTheCommitSoTheTransactionRollsBack() {
    Outbox outbox = new Outbox();
    outbox.down = true;
    Airlock.configure(outbox, null, null);
    try {
      RuntimeException failure = assertThrows(RuntimeException.class, () -> transaction.executeWithoutResult(status -> {
        jdbc.update("insert into users values ('lost@b')");
        Airlock.enqueue(named("welcomeMail"));
      }));
      assertTrue(failure instanceof IntentDispatchException || failure.getCause() instanceof IntentDispatchException, failure.toString());
      assertEquals(0, jdbc.queryForObject("select count(*) from users", Integer.class), "the user's row rolled back with the intent");
    } finally {
      Airlock.resetConfiguration();
    }
  }
}
