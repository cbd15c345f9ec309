// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import javax.sql.DataSource;

/** The outbox under Spring transactions on PostgreSQL; skipped, saying so, when none is configured. */
class PostgresSpringOutboxTest extends SpringOutboxTest {
  @Override
  DataSource freshDatabase() throws Exception {
    return Databases.postgres();
  }
}
