// SPDX-License-Identifier: Apache-2.0
/**
 * Uses Corobridge as a named module does: one {@code requires} for the library and one for its test support, nothing
 * opened (intents named by method reference too).
 */
module dev.corobridge.consumer.jpms {
  requires dev.corobridge.coroutines;
  requires dev.corobridge.test;
}
