// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.benchmarks.distributed;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import javax.sql.DataSource;

/** A DataSource that always gives one connection and never closes it, so a library writes in the caller's transaction. */
public final class SameConnection {
  private SameConnection() {}

  /**
   * A DataSource over {@code connection}.
   *
   * @param connection the connection every {@code getConnection()} gives
   * @return the DataSource
   */
  public static DataSource of(Connection connection) {
    Connection unclosable = (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
        (proxy, method, args) -> {
          if (method.getName().equals("close")) return null;
          try {
            return method.invoke(connection, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> method.getName().equals("getConnection") ? unclosable : null);
  }
}
