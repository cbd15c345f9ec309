// SPDX-License-Identifier: Apache-2.0
/**
 * Corobridge's Java contract: {@link dev.corobridge.AsyncExecutor} and its options, the runtime SPI, and the
 * runtimes that need nothing beyond the JDK. The internal packages are exported only to Corobridge's own
 * artifacts.
 */
module dev.corobridge {
  requires static org.jspecify;

  exports dev.corobridge;
  exports dev.corobridge.spi;
  exports dev.corobridge.runtime;

  exports dev.corobridge.internal to
      dev.corobridge.coroutines, dev.corobridge.intent, dev.corobridge.component, dev.corobridge.test;
  exports dev.corobridge.internal.scope to dev.corobridge.coroutines;
  exports dev.corobridge.internal.engine to dev.corobridge.coroutines;

  uses dev.corobridge.spi.AsyncExecutorProvider;
  provides dev.corobridge.spi.AsyncExecutorProvider with dev.corobridge.runtime.FallbackRuntime;
}
