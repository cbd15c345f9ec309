// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import java.io.Serializable;

/**
 * The local code an intent runs: a lambda or, better, a method reference, which also names the intent
 * ({@code Mailer::sendMail} is {@code sendMail}). Serializable only so that its method's name can be
 * read; intents never ship code anywhere.
 */
@FunctionalInterface
public interface IntentTask extends Serializable {
  /**
   * Runs the side effect with the intent's arguments.
   *
   * @param intent the intent, with its arguments
   * @throws Exception if the side effect fails
   */
  void run(Intent intent) throws Exception;
}
