// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

/**
 * Runs the intents of one name, found by name in {@link IntentHandlers}: the form an executor on
 * another machine needs, since it receives only the name and the arguments.
 */
@FunctionalInterface
public interface IntentHandler {
  /**
   * Runs the side effect with the intent's arguments.
   *
   * @param intent the intent, with its arguments
   * @throws Exception if the side effect fails
   */
  void handle(Intent intent) throws Exception;
}
