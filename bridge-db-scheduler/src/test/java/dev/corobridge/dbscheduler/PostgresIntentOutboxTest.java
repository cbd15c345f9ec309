// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The outbox on PostgreSQL, the production target: the server named by {@code COROBRIDGE_TEST_POSTGRES_URL}
 * ({@code .ci/run} starts one); skipped, saying so, when none is configured.
 */
class PostgresIntentOutboxTest extends IntentOutboxContract {
  @Override
  protected DataSource freshDatabase() throws SQLException {
    return Databases.postgres();
  }
}
