// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;

/**
 * JobRunr on PostgreSQL, the server named by {@code COROBRIDGE_TEST_POSTGRES_URL} ({@code .ci/run} starts one);
 * skipped, saying so, when none is configured.
 */
class PostgresJobRunrIntentsTest extends JobRunrIntentsContract {
  private static HikariDataSource pool;

  @Override
  protected DataSource freshDatabase() throws SQLException {
    return fresh();
  }

  /** The tests' schema on the server, emptied; JobRunr's tables are made in it. */
  static DataSource fresh() throws SQLException {
    String url = url();
    synchronized (PostgresJobRunrIntentsTest.class) {
      if (pool == null) pool = pooled(url, "tests");
    }
    try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("drop schema if exists jobrunr_tests cascade");
      statement.execute("create schema jobrunr_tests");
    }
    return pool;
  }

  /** The server's JDBC URL; the test is skipped, saying why, when none is configured. */
  static String url() {
    String url = System.getenv("COROBRIDGE_TEST_POSTGRES_URL");
    if (url == null || url.isBlank()) {
      String why = "no PostgreSQL server configured: set COROBRIDGE_TEST_POSTGRES_URL to a JDBC URL (.ci/run starts one); "
          + "the PostgreSQL tests are skipped";
      System.err.println("SKIPPED: " + why);
      Assumptions.abort(why);
    }
    return url;
  }

  /** A small pool on the tests' schema. */
  static HikariDataSource pooled(String url, String name) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=jobrunr_tests"); // JobRunr's tables apart
    config.setPoolName(name);
    config.setMaximumPoolSize(10);
    config.setMinimumIdle(1);
    return new HikariDataSource(config);
  }
}
