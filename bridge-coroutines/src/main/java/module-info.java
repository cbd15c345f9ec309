// SPDX-License-Identifier: Apache-2.0
/**
 * The kotlinx.coroutines engine behind {@link dev.corobridge.AsyncExecutor} and Corobridge's Kotlin API.
 * Requiring this module brings the whole library: the Java contract, intents and components.
 */
module dev.corobridge.coroutines {
  requires transitive dev.corobridge;
  requires transitive dev.corobridge.intent;
  requires transitive dev.corobridge.component;
  requires transitive kotlin.stdlib;
  requires transitive kotlinx.coroutines.core;

  exports dev.corobridge.coroutines;
  exports dev.corobridge.coroutines.component;
  exports dev.corobridge.coroutines.intent;

  provides dev.corobridge.spi.AsyncExecutorProvider with dev.corobridge.coroutines.internal.CoroutineExecutorProvider;
}
