// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import java.sql.SQLException;
import javax.sql.DataSource;

/** The outbox on the embedded default: H2 in-process, nothing to install. */
class H2IntentOutboxTest extends IntentOutboxContract {
  @Override
  protected DataSource freshDatabase() throws SQLException {
    return Databases.h2();
  }
}
