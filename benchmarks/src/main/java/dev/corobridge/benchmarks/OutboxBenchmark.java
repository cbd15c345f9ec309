// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import dev.corobridge.benchmarks.distributed.SameConnection;
import dev.corobridge.dbscheduler.DbSchedulerIntentExecutor;
import dev.corobridge.dbscheduler.DbSchedulerTables;
import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentCodec;
import dev.corobridge.intent.IntentExecutor;
import dev.corobridge.intent.IntentScope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Scenario 8, the outbox's cost: one transaction on one connection inserts a row and commits, and enqueues
 * {@code intents} intents through db-scheduler's outbox (bridge-db-scheduler), written in that transaction before the
 * commit. Contenders: {@code noIntents} (the transaction alone), {@code outboxBatched} (the outbox as shipped: one
 * batched statement for the flush), {@code outboxOneByOne} (the same outbox made to dispatch each intent alone: a
 * statement per intent) and {@code dbSchedulerClient} (what a hand-written integration would do: db-scheduler's own
 * {@code SchedulerClient.scheduleIfNotExists} per intent in the transaction, a select and an insert each; the intent
 * encoded the same way). Time per transaction. H2
 * in-process by default; {@code -Dcorobridge.bench.jdbc=jdbc:postgresql://...} measures a PostgreSQL server
 * instead (round trips over loopback).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OutboxBenchmark {
  /** Plain JSON, as the outbox writes intents. */
  private static final Serializer JSON = new Serializer() {
    private final ObjectMapper mapper = new ObjectMapper();

    @Override public byte[] serialize(Object data) {
      try {
        return mapper.writeValueAsBytes(data);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override public <T> T deserialize(Class<T> type, byte[] bytes) {
      try {
        return mapper.readValue(bytes, type);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  };

  @Param({"1", "10"})
  public int intents;

  private final AtomicLong ids = new AtomicLong();
  private Connection connection;
  private IntentExecutor batched;
  private IntentExecutor oneByOne;
  private SchedulerClient client;

  @Setup
  public void setUp() throws SQLException {
    DataSource database = database();
    DbSchedulerTables.createIfMissing(database);
    connection = database.getConnection();
    try (Statement statement = connection.createStatement()) {
      statement.execute("create table if not exists outbox_bench_users (id bigint primary key)");
    }
    clear();
    connection.setAutoCommit(false);
    DbSchedulerIntentExecutor outbox = DbSchedulerIntentExecutor.builder(database).build().on(connection);
    batched = outbox;
    oneByOne = outbox::dispatch; // no batch step: the scope dispatches each intent alone
    client = SchedulerClient.Builder.create(SameConnection.of(connection),
            Tasks.oneTime(TaskDescriptor.of("corobridge-intent", Map.class)).execute((instance, context) -> { }))
        .serializer(JSON).enablePriority().build();
  }

  private static DataSource database() {
    String url = System.getProperty("corobridge.bench.jdbc");
    if (url != null && url.startsWith("jdbc:postgresql:")) {
      PGSimpleDataSource postgres = new PGSimpleDataSource();
      postgres.setURL(url);
      return postgres;
    }
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL(url != null ? url : "jdbc:h2:mem:outbox-bench;DB_CLOSE_DELAY=-1");
    return h2;
  }

  /** Empties both tables, so every iteration writes into tables of the same size. */
  @TearDown(Level.Iteration)
  public void clear() throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(true);
    try (Statement statement = connection.createStatement()) {
      statement.execute("delete from scheduled_tasks");
      statement.execute("delete from outbox_bench_users");
    }
    connection.setAutoCommit(autoCommit);
  }

  @TearDown
  public void tearDown() throws SQLException {
    connection.close();
  }

  @Benchmark
  public void noIntents() throws SQLException {
    insertUser();
    connection.commit();
  }

  @Benchmark
  public void outboxBatched() throws SQLException {
    transactionWithIntents(batched);
  }

  @Benchmark
  public void outboxOneByOne() throws SQLException {
    transactionWithIntents(oneByOne);
  }

  @Benchmark
  public void dbSchedulerClient() throws SQLException {
    long user = insertUser();
    for (int i = 0; i < intents; i++) {
      Intent intent = Intent.named("welcomeMail").args(user, i).option(Intent.KEY, UUID.randomUUID().toString()).build();
      client.scheduleIfNotExists(TaskInstance(intent), Instant.now());
    }
    connection.commit();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static com.github.kagkarlsson.scheduler.task.TaskInstance TaskInstance(Intent intent) {
    return new com.github.kagkarlsson.scheduler.task.TaskInstance("corobridge-intent", intent.key().orElseThrow(),
        new LinkedHashMap<>(IntentCodec.standard().encode(intent)));
  }

  private void transactionWithIntents(IntentExecutor outbox) throws SQLException {
    try (IntentScope scope = Airlock.scope(outbox)) {
      long user = insertUser();
      for (int i = 0; i < intents; i++) {
        Airlock.enqueue(Intent.named("welcomeMail").args(user, i).build());
      }
      scope.complete();
    }
    connection.commit();
  }

  private long insertUser() throws SQLException {
    long id = ids.incrementAndGet();
    try (PreparedStatement insert = connection.prepareStatement("insert into outbox_bench_users values (?)")) {
      insert.setLong(1, id);
      insert.executeUpdate();
    }
    return id;
  }
}
