// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} that always gives the one connection of a caller's transaction, behind a view whose
 * {@code close()} does nothing: db-scheduler closes what it borrows, and the caller commits and closes its own.
 */
final class SingleConnectionDataSource implements DataSource {
  private final Connection view;

  SingleConnectionDataSource(Connection connection) {
    InvocationHandler handler = (proxy, method, args) -> {
      switch (method.getName()) {
        case "close":
          return null; // the caller's to close
        case "isClosed":
          return connection.isClosed();
        default:
          try {
            return method.invoke(connection, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
      }
    };
    this.view = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  @Override
  public Connection getConnection() {
    return view;
  }

  @Override
  public Connection getConnection(String username, String password) {
    return view;
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
  }

  @Override
  public void setLoginTimeout(int seconds) {
  }

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no parent logger");
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) return type.cast(this);
    throw new SQLException("not a wrapper of " + type.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }
}
