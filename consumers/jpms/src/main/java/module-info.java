// SPDX-License-Identifier: Apache-2.0
/** Uses Corobridge as a named module does: one {@code requires}, nothing opened (intents named by method reference too). */
module dev.corobridge.consumer.jpms {
  requires dev.corobridge.coroutines;
}
