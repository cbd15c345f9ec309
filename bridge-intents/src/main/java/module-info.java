// SPDX-License-Identifier: Apache-2.0
/**
 * Deferred intents: side effects buffered in a scope and dispatched when it ends well. An intent named
 * after a method reference ({@code Intent.of(Mailer::send)}) reads the method's name reflectively: a
 * named module that uses method references opens their package to {@code dev.corobridge.intent}, or
 * names its intents ({@code Intent.of("send", task)}).
 */
module dev.corobridge.intent {
  requires transitive dev.corobridge;

  exports dev.corobridge.intent;

  uses dev.corobridge.intent.IntentExecutor;
}
