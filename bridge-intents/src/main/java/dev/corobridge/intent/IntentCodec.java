// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import java.util.Map;

/**
 * Turns an {@link Intent} into plain data and back, so that a job engine can store it and another
 * process can run it: a name, arguments and options, never code. The data is a map of JSON-compatible
 * values (strings, numbers, booleans, {@code null}, lists, and maps with string keys), ready for any
 * JSON library or a database column.
 *
 * <p>The {@linkplain #standard() standard codec} writes:
 * <pre>{@code
 * {"codec": 1, "name": "sendMail", "args": ["a@b.example"], "namedArgs": {"retries": 2},
 *  "origin": "com.example.Signup.register",
 *  "options": {"delay": "PT5S", "queue": "mail", "priority": 5, "timeout": "PT30S",
 *              "retry": {"maxRetries": 3, "initialDelay": "PT0.1S", "maxDelay": "PT1S", "jitter": 0.2,
 *                        "retryOn": ["java.io.IOException"], "abortOn": []}}}
 * }</pre>
 * Durations are ISO-8601 strings ({@link java.time.Duration#toString()}); options of other keys are
 * kept as they are and must be JSON-compatible themselves. An intent that runs local code
 * ({@link Intent#isLocal()}), an argument or option that is not JSON-compatible, and a
 * {@link dev.corobridge.RetryPolicy} that {@linkplain dev.corobridge.RetryPolicy#carriesCode() carries code}
 * do not encode. Numbers may come back as another {@link Number} type after a trip through JSON (an
 * {@code Integer} as a {@code Long}, say): handlers should read them as {@code Number}.
 *
 * <p>An {@link IntentExecutor} that sends intents elsewhere encodes them in its
 * {@link IntentExecutor#validate validate} method too, so that an intent that cannot be sent fails at
 * {@link Airlock#enqueue enqueue}, where the mistake is, rather than when the scope flushes.
 * Implementations are thread-safe.
 */
public interface IntentCodec {
  /**
   * Encodes {@code intent} as plain data.
   *
   * @param intent the intent to encode
   * @return the intent as a map of JSON-compatible values; unmodifiable
   * @throws IllegalArgumentException if the intent does not encode; the message says which part and why
   * @throws NullPointerException     if {@code intent} is null
   */
  Map<String, Object> encode(Intent intent);

  /**
   * Rebuilds an intent from what {@link #encode} produced (possibly after a trip through JSON). The
   * intent is run by the handler registered for its name ({@link IntentHandlers}).
   *
   * @param data the encoded intent
   * @return the intent
   * @throws IllegalArgumentException if {@code data} is not an encoded intent; the message names the field
   * @throws NullPointerException     if {@code data} is null
   */
  Intent decode(Map<String, ?> data);

  /**
   * The codec of the format above.
   *
   * @return the standard codec
   */
  static IntentCodec standard() {
    return StandardIntentCodec.INSTANCE;
  }
}
