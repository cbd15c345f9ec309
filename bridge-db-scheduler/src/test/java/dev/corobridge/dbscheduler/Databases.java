// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Assumptions;

/** The databases the tests run on, and small helpers for them. */
final class Databases {
  private Databases() {}

  /** The variable naming the PostgreSQL server of the tests, a JDBC URL; {@code .ci/run} sets it. */
  static final String POSTGRES_URL = "COROBRIDGE_TEST_POSTGRES_URL";

  /** A fresh in-process H2 database with db-scheduler's table, alive until the JVM ends. */
  static DataSource h2() throws SQLException {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return withTables(h2);
  }

  /** The JDBC URL of the tests' PostgreSQL server; the test is skipped, saying why, when there is none. */
  static String postgresUrl() {
    String url = System.getenv(POSTGRES_URL);
    if (url == null || url.isBlank()) {
      String why = "no PostgreSQL server configured: set " + POSTGRES_URL + " to a JDBC URL (.ci/run starts one); "
          + "the PostgreSQL tests are skipped";
      System.err.println("SKIPPED: " + why);
      Assumptions.abort(why);
    }
    return url;
  }

  private static DataSource postgresPool; // one per test JVM

  /** The tests' PostgreSQL database, emptied: db-scheduler's table and the tests' own, created anew. */
  static synchronized DataSource postgres() throws SQLException {
    if (postgresPool == null) postgresPool = pooled(postgresUrl(), "tests");
    DataSource postgres = postgresPool;
    try (Connection connection = postgres.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("drop table if exists scheduled_tasks, users, effects, runs");
    }
    return withTables(postgres);
  }

  /** A small pool of connections to {@code url}, as an application has (a PostgreSQL connection is a server process). */
  static DataSource pooled(String url, String name) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName(name);
    config.setMaximumPoolSize(10);
    config.setMinimumIdle(1);
    return new HikariDataSource(config);
  }

  private static DataSource withTables(DataSource database) throws SQLException {
    DbSchedulerTables.createIfMissing(database);
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("create table users (email varchar(100) primary key)");
      statement.execute("create table effects (effect_key varchar(100) primary key, worker varchar(50))");
      statement.execute("create table runs (effect_key varchar(100), worker varchar(50), attempt int)");
    }
    return database;
  }

  static int count(DataSource database, String table) throws SQLException {
    try (Connection connection = database.getConnection(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("select count(*) from " + table)) {
      rows.next();
      return rows.getInt(1);
    }
  }

  /** Waits until {@code condition} holds, up to 30 s, polling; fails with {@code what} otherwise. */
  static void await(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting: " + what.get());
      Thread.sleep(20);
    }
  }
}
