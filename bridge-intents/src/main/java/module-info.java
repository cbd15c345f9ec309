// SPDX-License-Identifier: Apache-2.0
/**
 * Deferred intents: side effects buffered in a scope and dispatched when it ends well. An intent named
 * after a method reference ({@code Intent.of(Mailer::send)}) reads the method's name from the reference's
 * serialized form, so a named module need not open anything to this one.
 */
module dev.corobridge.intent {
  requires transitive dev.corobridge;
  requires static org.jspecify;

  exports dev.corobridge.intent;

  uses dev.corobridge.intent.IntentExecutor;
}
