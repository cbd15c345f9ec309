// SPDX-License-Identifier: Apache-2.0
/**
 * Async components with sync adapters, the runners that mix both, and the hand-off of thread-unsafe
 * values. The {@code java.sql} types are among the default unsafe types when that module is present.
 */
module dev.corobridge.component {
  requires transitive dev.corobridge;
  requires static org.jspecify;
  requires static java.sql;

  exports dev.corobridge.component;
}
