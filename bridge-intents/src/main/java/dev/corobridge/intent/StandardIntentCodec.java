// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import dev.corobridge.RetryPolicy;
import dev.corobridge.internal.Checks;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link IntentCodec#standard()}: the format its Javadoc shows, version 1. */
final class StandardIntentCodec implements IntentCodec {
  static final StandardIntentCodec INSTANCE = new StandardIntentCodec();

  private static final int VERSION = 1;
  private static final int MAX_DEPTH = 64;

  private StandardIntentCodec() {}

  @Override
  public Map<String, Object> encode(Intent intent) {
    Checks.notNull(intent, "intent");
    if (intent.isLocal()) {
      throw new IllegalArgumentException("intent " + intent.name() + " runs local code, which cannot leave this process: register a handler "
          + "with IntentHandlers.register(\"" + intent.name() + "\", ...) and enqueue Intent.named(\"" + intent.name() + "\")");
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("codec", VERSION);
    data.put("name", intent.name());
    data.put("args", plain(intent.args(), "argument", intent, 0));
    data.put("namedArgs", plain(intent.namedArgs(), "named argument", intent, 0));
    data.put("origin", intent.origin());
    Map<String, Object> options = new LinkedHashMap<>();
    intent.options().forEach((key, value) -> options.put(key, option(key, value, intent)));
    data.put("options", Collections.unmodifiableMap(options));
    return Collections.unmodifiableMap(data);
  }

  private static Object option(String key, Object value, Intent intent) {
    return switch (key) {
      case Intent.DELAY, Intent.TIMEOUT -> value.toString();
      case Intent.RETRY -> retry((RetryPolicy) value, intent);
      default -> plain(value, "option " + key, intent, 1);
    };
  }

  private static Map<String, Object> retry(RetryPolicy policy, Intent intent) {
    if (policy.carriesCode()) {
      throw new IllegalArgumentException("option retry of " + intent + " carries code (retryIf, retryIfResult, onRetry or onFailure), "
          + "which cannot leave this process: use counts, delays and exception types only");
    }
    Map<String, Object> retry = new LinkedHashMap<>();
    retry.put("maxRetries", policy.maxRetries());
    retry.put("initialDelay", policy.initialDelay().toString());
    retry.put("maxDelay", policy.maxDelay().map(Duration::toString).orElse(null));
    retry.put("jitter", policy.jitter());
    retry.put("retryOn", policy.retryOnTypes().stream().map(Class::getName).toList());
    retry.put("abortOn", policy.abortOnTypes().stream().map(Class::getName).toList());
    return Collections.unmodifiableMap(retry);
  }

  /** A copy of {@code value} if it is JSON-compatible, all the way down; else an exception saying where it is not. */
  private static Object plain(Object value, String where, Intent intent, int depth) {
    if (depth > MAX_DEPTH) throw notPlain(where, intent, "is nested deeper than " + MAX_DEPTH + " levels (a cycle?)");
    if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer || value instanceof Long
        || value instanceof Short || value instanceof Byte || value instanceof BigInteger || value instanceof BigDecimal) {
      return value;
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) throw notPlain(where, intent, "is " + d + ", which JSON has no number for");
      return value;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        copy.add(plain(list.get(i), depth == 0 ? where + " " + i : where + "[" + i + "]", intent, depth + 1));
      }
      return Collections.unmodifiableList(copy);
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!(entry.getKey() instanceof String key)) {
          throw notPlain(where, intent, "has a key " + entry.getKey() + " that is not a String");
        }
        copy.put(key, plain(entry.getValue(), depth == 0 ? where + " " + key : where + "." + key, intent, depth + 1));
      }
      return Collections.unmodifiableMap(copy);
    }
    throw notPlain(where, intent, "is a " + value.getClass().getName());
  }

  private static IllegalArgumentException notPlain(String where, Intent intent, String what) {
    return new IllegalArgumentException(where + " of " + intent + " " + what + ", which does not encode: "
        + "pass strings, numbers, booleans, null, lists and maps with String keys (a date as an ISO-8601 string, say)");
  }

  @Override
  public Intent decode(Map<String, ?> data) {
    Checks.notNull(data, "data");
    Object version = data.get("codec");
    if (!(version instanceof Number n) || n.intValue() != VERSION) {
      throw new IllegalArgumentException("not an intent of codec version " + VERSION + ": field codec is " + version);
    }
    Intent.Builder builder = Intent.named(field(data, "name", String.class));
    builder.args(field(data, "args", List.class).toArray());
    Map<?, ?> named = field(data, "namedArgs", Map.class);
    named.forEach((key, value) -> builder.arg(String.valueOf(key), value));
    builder.origin(field(data, "origin", String.class));
    Map<?, ?> options = field(data, "options", Map.class);
    options.forEach((key, value) -> builder.option(String.valueOf(key), decodeOption(String.valueOf(key), value)));
    return builder.build();
  }

  private static Object decodeOption(String key, Object value) {
    return switch (key) {
      case Intent.DELAY, Intent.TIMEOUT -> duration(value, "options." + key);
      case Intent.PRIORITY, Intent.ATTEMPT -> {
        if (!(value instanceof Number n) || n.doubleValue() != n.intValue()) {
          throw new IllegalArgumentException("field options." + key + " must be a whole number, was " + value);
        }
        yield n.intValue();
      }
      case Intent.RETRY -> {
        if (!(value instanceof Map<?, ?> retry)) throw new IllegalArgumentException("field options.retry must be a map, was " + value);
        yield retryPolicy(retry);
      }
      default -> value;
    };
  }

  private static RetryPolicy retryPolicy(Map<?, ?> retry) {
    Number retries = field(retry, "maxRetries", Number.class, "options.retry.");
    RetryPolicy policy = RetryPolicy.exponential(retries.intValue(), duration(retry.get("initialDelay"), "options.retry.initialDelay"));
    Object maxDelay = retry.get("maxDelay");
    if (maxDelay != null) policy = policy.withMaxDelay(duration(maxDelay, "options.retry.maxDelay"));
    Object jitter = retry.get("jitter");
    if (jitter != null) policy = policy.withJitter(field(retry, "jitter", Number.class, "options.retry.").doubleValue());
    List<Class<? extends Throwable>> retryOn = types(retry.get("retryOn"), "options.retry.retryOn");
    if (!retryOn.isEmpty() && !retryOn.equals(List.of(Exception.class))) policy = policy.retryOn(array(retryOn)); // none: the default
    List<Class<? extends Throwable>> abortOn = types(retry.get("abortOn"), "options.retry.abortOn");
    if (!abortOn.isEmpty()) policy = policy.abortOn(array(abortOn));
    return policy;
  }

  @SuppressWarnings("unchecked")
  private static Class<? extends Throwable>[] array(List<Class<? extends Throwable>> types) {
    return types.toArray(new Class[0]);
  }

  private static List<Class<? extends Throwable>> types(Object names, String field) {
    if (names == null) return List.of();
    if (!(names instanceof List<?> list)) throw new IllegalArgumentException("field " + field + " must be a list of class names, was " + names);
    List<Class<? extends Throwable>> types = new ArrayList<>();
    for (Object name : list) {
      types.add(throwableType(String.valueOf(name), field));
    }
    return types;
  }

  private static Class<? extends Throwable> throwableType(String name, String field) {
    Class<?> type;
    try {
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      type = Class.forName(name, false, context != null ? context : StandardIntentCodec.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("field " + field + " names " + name + ", which this process cannot load", e);
    }
    if (!Throwable.class.isAssignableFrom(type)) throw new IllegalArgumentException("field " + field + " names " + name + ", which is not a Throwable");
    return type.asSubclass(Throwable.class);
  }

  private static Duration duration(Object value, String field) {
    if (!(value instanceof String text)) throw new IllegalArgumentException("field " + field + " must be an ISO-8601 duration such as PT5S, was " + value);
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("field " + field + " must be an ISO-8601 duration such as PT5S, was " + value, e);
    }
  }

  private static <T> T field(Map<?, ?> data, String name, Class<T> type) {
    return field(data, name, type, "");
  }

  private static <T> T field(Map<?, ?> data, String name, Class<T> type, String prefix) {
    Object value = data.get(name);
    if (!type.isInstance(value)) {
      throw new IllegalArgumentException("field " + prefix + name + " must be a " + type.getSimpleName() + ", was " + value);
    }
    return type.cast(value);
  }
}
