// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** JobRunr on the embedded default: H2 in-process, nothing to install. */
class H2JobRunrIntentsTest extends JobRunrIntentsContract {
  @Override
  protected DataSource freshDatabase() {
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    return h2;
  }
}
