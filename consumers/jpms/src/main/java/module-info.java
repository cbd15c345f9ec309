// SPDX-License-Identifier: Apache-2.0
/** Uses Corobridge as a named module does: one {@code requires}, and its intents' method references opened. */
module dev.corobridge.consumer.jpms {
  requires dev.corobridge.coroutines;

  // Intent.of(Main::sendMail) reads the method's name reflectively
  opens dev.corobridge.consumer.jpms to dev.corobridge.intent;
}
