// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import dev.corobridge.internal.Checks;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The process-wide map from intent names to their {@link IntentHandler}s, for intents enqueued by name
 * ({@code Airlock.enqueue("sendMail", to, subject)}). Register handlers at start-up. Thread-safe.
 */
public final class IntentHandlers {
  private static final Map<String, IntentHandler> HANDLERS = new ConcurrentHashMap<>();

  private IntentHandlers() {}

  /**
   * Registers the handler of intents named {@code name}.
   *
   * @param name the intents' name
   * @param handler runs them
   * @throws IllegalStateException if a handler is registered for that name already; {@link #unregister} it first
   */
  public static void register(String name, IntentHandler handler) {
    Checks.notNull(name, "name");
    Checks.notNull(handler, "handler");
    IntentHandler previous = HANDLERS.putIfAbsent(name, handler);
    if (previous != null) {
      throw new IllegalStateException("a handler for intent \"" + name + "\" is registered already; unregister(\"" + name + "\") first");
    }
  }

  /**
   * Removes the handler of {@code name}, if any; returns it.
   *
   * @param name the intents' name
   * @return the handler that was registered, or empty
   */
  public static Optional<IntentHandler> unregister(String name) {
    return Optional.ofNullable(HANDLERS.remove(Checks.notNull(name, "name")));
  }

  /**
   * The handler of {@code name}, if one is registered.
   *
   * @param name the intents' name
   * @return the registered handler, or empty
   */
  public static Optional<IntentHandler> find(String name) {
    return Optional.ofNullable(HANDLERS.get(Checks.notNull(name, "name")));
  }
}
