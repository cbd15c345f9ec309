// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import static dev.corobridge.dbscheduler.Databases.await;
import static dev.corobridge.dbscheduler.Databases.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.RetryPolicy;
import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentDispatchException;
import dev.corobridge.intent.IntentHandlers;
import dev.corobridge.intent.IntentScope;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Intents stored by db-scheduler in the enqueuing transaction and run by workers: the same behaviours on every
 * database ({@link H2IntentOutboxTest} in-process, {@link PostgresIntentOutboxTest} on a real server).
 */
abstract class IntentOutboxContract {
  private final List<String> handled = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
  private DataSource database;
  private DbSchedulerIntentExecutor outbox;

  /** A database with db-scheduler's table and the tests' own, all empty. */
  protected abstract DataSource freshDatabase() throws SQLException;

  @BeforeEach
  void start() throws SQLException {
    database = freshDatabase();
    outbox = DbSchedulerIntentExecutor.builder(database).build();
    IntentHandlers.register("welcomeMail", intent -> handled.add("welcome " + intent.arg(0) + " key=" + intent.key().orElseThrow()
        + " attempt=" + intent.attempt()));
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable closeable : toClose) closeable.close();
    for (String name : List.of("welcomeMail", "flaky", "slow", "ordered", "where")) IntentHandlers.unregister(name);
  }

  private DbSchedulerIntentWorker worker(DbSchedulerIntentWorker.Builder builder) {
    DbSchedulerIntentWorker worker = builder.pollingInterval(Duration.ofMillis(50)).build().start();
    toClose.add(worker);
    return worker;
  }

  private DbSchedulerIntentWorker worker() {
    return worker(DbSchedulerIntentWorker.builder(database));
  }

  /** Signs a user up on a plain JDBC connection, enqueueing a welcome mail through the outbox; commits or rolls back. */
  private void signUp(String email, boolean commit, Intent.Builder mail) throws SQLException {
    try (Connection connection = database.getConnection()) {
      connection.setAutoCommit(false);
      try (IntentScope scope = Airlock.scope(outbox.on(connection))) {
        try (PreparedStatement insert = connection.prepareStatement("insert into users values (?)")) {
          insert.setString(1, email);
          insert.executeUpdate();
        }
        Airlock.enqueue(mail.build());
        scope.complete();
      }
      if (commit) {
        connection.commit();
      } else {
        connection.rollback();
      }
    }
  }

  private static Intent.Builder mail(String email) {
    return Intent.named("welcomeMail").args(email);
  }

  @Test
  void anIntentOfACommittedTransactionIsStoredWithItAndRunByAWorkerWithItsKeyAndAttempt() throws Exception {
    signUp("a@b", true, mail("a@b").option(Intent.KEY, "welcome-a@b"));
    assertEquals(1, count(database, "scheduled_tasks"), "stored with the transaction");
    worker();
    await(() -> handled.size() == 1, handled::toString);
    assertEquals(List.of("welcome a@b key=welcome-a@b attempt=1"), handled);
    await(() -> uncheckedCount("scheduled_tasks") == 0, () -> "the done intent is removed");
  }

  @Test
  void anIntentOfARolledBackTransactionIsNeverStored() throws Exception {
    signUp("gone@b", false, mail("gone@b"));
    assertEquals(0, count(database, "users"));
    assertEquals(0, count(database, "scheduled_tasks"), "rolled back with the user's row: nothing can ever run it");
  }

  @Test
  void anIntentWithoutAKeyGetsAFreshOneAndOneWithAStoredKeyIsNotStoredAgain() throws Exception {
    signUp("a@b", true, mail("a@b"));
    signUp("c@d", true, mail("c@d").option(Intent.KEY, "same"));
    signUp("e@f", true, mail("e@f").option(Intent.KEY, "same"));
    assertEquals(2, count(database, "scheduled_tasks"), "the duplicate key was a no-op");
    worker();
    await(() -> handled.size() == 2, handled::toString);
    assertTrue(handled.stream().anyMatch(h -> h.startsWith("welcome a@b key=") && !h.contains("key=same")), handled.toString());
    assertTrue(handled.contains("welcome c@d key=same attempt=1"), handled.toString());
  }

  @Test
  void anIntentThatCannotBeStoredFailsAtEnqueueNamingTheArgument() throws Exception {
    try (Connection connection = database.getConnection(); IntentScope scope = Airlock.scope(outbox.on(connection))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Airlock.enqueue("welcomeMail", Instant.EPOCH));
      assertTrue(e.getMessage().startsWith("argument 0 of welcomeMail("), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> Airlock.enqueue(Intent.of("local", intent -> { }).build()));
    }
  }

  @Test
  void aFailingIntentIsRetriedAsItsPolicySaysAndThenRemoved() throws Exception {
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    IntentHandlers.register("flaky", intent -> {
      attempts.add(intent.attempt());
      throw new IOException("smtp down at attempt " + intent.attempt());
    });
    signUp("a@b", true, Intent.named("flaky").option(Intent.RETRY, RetryPolicy.exponential(2, Duration.ofMillis(20))));
    worker();
    await(() -> attempts.size() == 3 && uncheckedCount("scheduled_tasks") == 0, attempts::toString);
    assertEquals(List.of(1, 2, 3), attempts, "three attempts, then removed");
  }

  @Test
  void anIntentWithoutAHandlerOnTheWorkerIsRemovedAtOnceAndNeverRetried() throws Exception {
    signUp("a@b", true, Intent.named("nobodyHandlesThis").option(Intent.RETRY, RetryPolicy.exponential(5, Duration.ZERO)));
    worker();
    await(() -> uncheckedCount("scheduled_tasks") == 0, () -> "removed");
  }

  @Test
  void intentsRunInPriorityOrderAndADelayedOneNotBeforeItIsDue() throws Exception {
    List<Integer> order = new CopyOnWriteArrayList<>();
    IntentHandlers.register("ordered", intent -> order.add(intent.priority().orElse(0)));
    for (int priority : new int[] {1, 5, 3, 9}) {
      signUp("p" + priority + "@b", true, Intent.named("ordered").option(Intent.PRIORITY, priority));
    }
    Instant enqueued = Instant.now();
    signUp("later@b", true, mail("later@b").option(Intent.DELAY, Duration.ofMillis(800)));
    List<Instant> ranAt = new CopyOnWriteArrayList<>();
    IntentHandlers.unregister("welcomeMail");
    IntentHandlers.register("welcomeMail", intent -> ranAt.add(Instant.now()));
    worker(DbSchedulerIntentWorker.builder(database).threads(1));
    await(() -> order.size() == 4 && ranAt.size() == 1, () -> order + " " + ranAt);
    assertEquals(List.of(9, 5, 3, 1), order);
    assertTrue(!ranAt.get(0).isBefore(enqueued.plusMillis(800)), "ran " + Duration.between(enqueued, ranAt.get(0)) + " after enqueue");
  }

  @Test
  void handlersRunOnTheAsyncExecutorInTheIntentsLaneAndTheirTimeoutEndsAnAttempt() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.builder().name("mailers").maxWorkers(2).lane("mail", 1).build()) {
      List<String> threads = new CopyOnWriteArrayList<>();
      IntentHandlers.register("where", intent -> threads.add(Thread.currentThread().getName()));
      List<Integer> attempts = new CopyOnWriteArrayList<>();
      IntentHandlers.register("slow", intent -> {
        attempts.add(intent.attempt());
        if (intent.attempt() == 1) Thread.sleep(60_000); // the timeout ends it; the retry succeeds
      });
      signUp("a@b", true, Intent.named("where").option(Intent.QUEUE, "mail"));
      signUp("c@d", true, Intent.named("slow").option(Intent.TIMEOUT, Duration.ofMillis(200))
          .option(Intent.RETRY, RetryPolicy.exponential(1, Duration.ZERO)));
      worker(DbSchedulerIntentWorker.builder(database).executor(executor));
      await(() -> threads.size() == 1 && attempts.size() == 2 && uncheckedCount("scheduled_tasks") == 0, () -> threads + " " + attempts);
      assertTrue(threads.get(0).startsWith("mailers"), threads.toString());
    }
  }

  @Test
  void withAnExecutorEachExecutionIsOneOfItsBlockingTasksSoItsMaxWorkersBoundsTheHandlers() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.builder().name("bounded").maxWorkers(2).build()) {
      java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
      List<String> threads = new CopyOnWriteArrayList<>();
      IntentHandlers.register("where", intent -> {
        most.accumulateAndGet(running.incrementAndGet(), Math::max);
        threads.add(Thread.currentThread().getName());
        Thread.sleep(30);
        running.decrementAndGet();
      });
      for (int i = 0; i < 8; i++) signUp("u" + i + "@b", true, Intent.named("where"));
      worker(DbSchedulerIntentWorker.builder(database).executor(executor).threads(4));
      await(() -> threads.size() == 8 && uncheckedCount("scheduled_tasks") == 0, threads::toString);
      assertTrue(most.get() <= 2, "at most maxWorkers handlers at once, was " + most.get());
      assertTrue(threads.stream().allMatch(t -> t.startsWith("bounded")), "on the executor's own threads: " + threads);
    }
  }

  @Test
  void aDatabaseThatIsDownFailsTheFlush() throws Exception {
    try (Connection connection = database.getConnection()) {
      connection.setAutoCommit(false);
      IntentScope scope = Airlock.scope(outbox.on(connection));
      Airlock.enqueue(mail("a@b").build());
      scope.complete();
      connection.close(); // the database is gone for this transaction
      IntentDispatchException e = assertThrows(IntentDispatchException.class, scope::close);
      assertEquals("welcomeMail", e.failedIntents().get(0).name());
    }
  }

  @Test
  void anIntentWhoseWorkerDiedMidRunIsRunAgainByAnotherOnceItsHeartbeatIsStale() throws Exception {
    signUp("a@b", true, mail("a@b").option(Intent.KEY, "k1"));
    try (Connection connection = database.getConnection(); PreparedStatement dead = connection.prepareStatement(
        "update scheduled_tasks set picked = true, picked_by = 'a-worker-killed-mid-run', last_heartbeat = ? , version = version + 1")) {
      dead.setObject(1, java.time.OffsetDateTime.now().minusMinutes(10));
      assertEquals(1, dead.executeUpdate());
    }
    worker(DbSchedulerIntentWorker.builder(database).heartbeat(Duration.ofMillis(100), 4));
    await(() -> handled.size() == 1, () -> "revived: " + handled);
    assertEquals(List.of("welcome a@b key=k1 attempt=2"), handled, "the run that died was the first attempt");
  }

  @Test
  void badBuilderArgumentsAreRefusedNamingTheParameter() {
    assertThrows(NullPointerException.class, () -> DbSchedulerIntentExecutor.builder(null));
    assertThrows(NullPointerException.class, () -> DbSchedulerIntentWorker.builder(null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DbSchedulerIntentWorker.builder(database).threads(0));
    assertTrue(e.getMessage().contains("threads"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DbSchedulerIntentWorker.builder(database).heartbeat(Duration.ZERO, 4));
    assertTrue(e.getMessage().contains("interval"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DbSchedulerIntentWorker.builder(database).heartbeat(Duration.ofSeconds(1), 3));
    assertTrue(e.getMessage().contains("missedLimit must be at least 4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> DbSchedulerIntentExecutor.builder(database).tableName("t; drop table users"));
    assertTrue(e.getMessage().contains("tableName"), e.getMessage());
    DbSchedulerIntentExecutor.builder(database).tableName("jobs.scheduled_tasks"); // a schema-qualified name is fine
    e = assertThrows(IllegalArgumentException.class, () -> DbSchedulerTables.createIfMissing(database, "x; drop table users"));
    assertTrue(e.getMessage().contains("tableName"), e.getMessage());
    assertInstanceOf(IllegalArgumentException.class, e);
  }

  /**
   * One transaction enqueues ten intents (two of them sharing a key, one with a key stored by an earlier
   * transaction, with priorities and one delay): the outbox writes them with one batched statement, the
   * transaction's only extra round trip, and a worker runs each stored one once.
   */
  @Test
  void theIntentsOfOneTransactionAreStoredWithOneBatchedStatementAndEachRunsOnce() throws Exception {
    signUp("first@b", true, mail("first@b").option(Intent.KEY, "taken"));
    StatementCounter counter = new StatementCounter();
    try (Connection plain = database.getConnection()) {
      Connection connection = counter.watch(plain);
      connection.setAutoCommit(false);
      try (IntentScope scope = Airlock.scope(outbox.on(connection))) {
        for (int i = 0; i < 7; i++) Airlock.enqueue(mail("user" + i + "@b").option(Intent.PRIORITY, i).build());
        Airlock.enqueue(mail("twin1@b").option(Intent.KEY, "twin").build());
        Airlock.enqueue(mail("twin2@b").option(Intent.KEY, "twin").build()); // the first one written wins
        Airlock.enqueue(mail("again@b").option(Intent.KEY, "taken").option(Intent.DELAY, Duration.ofMillis(1)).build());
        scope.complete();
      }
      connection.commit();
    }
    assertEquals(List.of("executeBatch of 10"), counter.executions(), "one round trip for the whole batch");
    assertEquals(9, count(database, "scheduled_tasks"), "7 fresh keys, the twins once, the taken key not again");
    worker();
    await(() -> handled.size() == 9, handled::toString);
    assertTrue(handled.contains("welcome twin1@b key=twin attempt=1"), handled.toString());
    assertTrue(handled.contains("welcome first@b key=taken attempt=1"), handled.toString());
    assertTrue(handled.stream().noneMatch(h -> h.startsWith("welcome twin2@b") || h.startsWith("welcome again@b")), handled.toString());
    await(() -> uncheckedCount("scheduled_tasks") == 0, () -> "every done intent is removed");
  }

  @Test
  void aRolledBackBatchStoresNothingAndABatchTheDatabaseRefusesFailsTheFlushWhole() throws Exception {
    try (Connection connection = database.getConnection()) {
      connection.setAutoCommit(false);
      try (IntentScope scope = Airlock.scope(outbox.on(connection))) {
        Airlock.enqueue(mail("a@b").build());
        Airlock.enqueue(mail("c@d").build());
        scope.complete();
      }
      connection.rollback();
    }
    assertEquals(0, count(database, "scheduled_tasks"));
    try (Connection connection = database.getConnection()) {
      connection.setAutoCommit(false);
      IntentScope scope = Airlock.scope(outbox.on(connection));
      Airlock.enqueue(mail("a@b").build());
      Airlock.enqueue(mail("c@d").build());
      scope.complete();
      connection.close(); // the database is gone for this transaction
      IntentDispatchException e = assertThrows(IntentDispatchException.class, scope::close);
      assertEquals(2, e.failedIntents().size(), "the batch fails whole");
    }
  }

  /** Counts what the statements of a watched connection execute, by kind. */
  private static final class StatementCounter {
    private final List<String> executions = new CopyOnWriteArrayList<>();

    Connection watch(Connection connection) {
      return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
          (proxy, method, args) -> {
            Object result = invoke(connection, method, args);
            return result instanceof PreparedStatement statement && method.getName().equals("prepareStatement") ? watch(statement) : result;
          });
    }

    private PreparedStatement watch(PreparedStatement statement) {
      int[] batched = {0};
      return (PreparedStatement) java.lang.reflect.Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
          new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
            String name = method.getName();
            if (name.equals("addBatch")) batched[0]++;
            if (name.equals("executeBatch")) executions.add("executeBatch of " + batched[0]);
            else if (name.startsWith("execute")) executions.add(name);
            return invoke(statement, method, args);
          });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (java.lang.reflect.InvocationTargetException e) {
        throw e.getCause();
      }
    }

    List<String> executions() {
      return executions;
    }
  }

  private int uncheckedCount(String table) {
    try {
      return count(database, table);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
