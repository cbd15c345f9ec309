// SPDX-License-Identifier: Apache-2.0
/**
 * Test support for code that uses Corobridge: leak checks and a concurrency probe. {@code ManualExecutor}, the
 * runtime with virtual time, comes with it from {@code dev.corobridge} (package {@code dev.corobridge.runtime}).
 */
module dev.corobridge.test {
  requires transitive dev.corobridge;
  requires static org.jspecify;

  exports dev.corobridge.test;
}
