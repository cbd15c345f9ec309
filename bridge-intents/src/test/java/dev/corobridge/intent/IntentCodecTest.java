// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.corobridge.RetryPolicy;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Intents as plain data: what a job engine stores and another process runs. */
class IntentCodecTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final IntentCodec codec = IntentCodec.standard();

  @AfterEach
  void leave() {
    while (Airlock.current().isPresent()) Airlock.current().get().close();
  }

  private static Intent mail() {
    return Intent.named("sendMail").args("a@b.example", 3, List.of("x", Map.of("k", true))).arg("html", true).arg("cc", null)
        .origin("Signup.register")
        .option(Intent.DELAY, Duration.ofSeconds(5))
        .option(Intent.QUEUE, "mail")
        .option(Intent.PRIORITY, 7)
        .option(Intent.TIMEOUT, Duration.ofMillis(1500))
        .option(Intent.RETRY, RetryPolicy.exponential(3, Duration.ofMillis(100)).withMaxDelay(Duration.ofSeconds(1)).withJitter(0.25)
            .retryOn(IOException.class).abortOn(FileNotFoundException.class))
        .option("tenant", "acme")
        .build();
  }

  @Test
  void anIntentSurvivesATripThroughJsonTextWithItsNameArgumentsOriginAndEveryOption() throws IOException {
    String text = JSON.writeValueAsString(codec.encode(mail()));
    Intent back = codec.decode(JSON.readValue(text, new TypeReference<Map<String, Object>>() { }));
    assertEquals("sendMail", back.name());
    assertEquals(List.of("a@b.example", 3, List.of("x", Map.of("k", true))), back.args());
    assertEquals(Optional.of(true), back.arg("html"));
    assertTrue(back.namedArgs().containsKey("cc"));
    assertEquals("Signup.register", back.origin());
    assertEquals(Optional.of(Duration.ofSeconds(5)), back.delay());
    assertEquals(Optional.of("mail"), back.queue());
    assertEquals(Optional.of(7), back.priority());
    assertEquals(Optional.of(Duration.ofMillis(1500)), back.timeout());
    assertEquals("acme", back.options().get("tenant"));
    RetryPolicy retry = back.retry().orElseThrow();
    assertEquals(3, retry.maxRetries());
    assertEquals(Duration.ofMillis(100), retry.initialDelay());
    assertEquals(Optional.of(Duration.ofSeconds(1)), retry.maxDelay());
    assertEquals(0.25, retry.jitter());
    assertEquals(List.of(IOException.class), retry.retryOnTypes());
    assertEquals(List.of(FileNotFoundException.class), retry.abortOnTypes());
    assertFalse(back.isLocal());
    assertEquals(codec.encode(mail()), codec.encode(back), "encoding is stable across a round trip");
  }

  @Test
  void theEncodedFormIsTheDocumentedOne() {
    Map<String, Object> data = codec.encode(Intent.named("ping").args(1).origin("here").option(Intent.DELAY, Duration.ofSeconds(5))
        .option(Intent.RETRY, RetryPolicy.exponential(2, Duration.ofMillis(100))).build());
    assertEquals(1, data.get("codec"));
    assertEquals("ping", data.get("name"));
    assertEquals(List.of(1), data.get("args"));
    assertEquals(Map.of(), data.get("namedArgs"));
    assertEquals("here", data.get("origin"));
    Map<String, Object> retry = new HashMap<>();
    retry.put("maxRetries", 2);
    retry.put("initialDelay", "PT0.1S");
    retry.put("maxDelay", null);
    retry.put("jitter", 0.0);
    retry.put("retryOn", List.of("java.lang.Exception"));
    retry.put("abortOn", List.of());
    assertEquals(Map.of("delay", "PT5S", "retry", retry), data.get("options"));
    assertThrows(UnsupportedOperationException.class, () -> data.put("name", "other"));
  }

  @Test
  void anArgumentThatIsNotJsonCompatibleFailsNamingItsPositionAndType() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> codec.encode(Intent.named("remind").args("a", Instant.EPOCH).build()));
    assertTrue(e.getMessage().startsWith("argument 1 of remind(\"a\", 1970-01-01T00:00:00Z) is a java.time.Instant"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> codec.encode(Intent.named("remind").arg("at", List.of(1, new Object())).build()));
    assertTrue(e.getMessage().startsWith("named argument at[1] of"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> codec.encode(Intent.named("remind").arg("m", Map.of(1, "x")).build()));
    assertTrue(e.getMessage().contains("has a key 1 that is not a String"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> codec.encode(Intent.named("remind").args(Double.NaN).build()));
    assertTrue(e.getMessage().contains("which JSON has no number for"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> codec.encode(Intent.named("remind").option("tenant", new StringBuilder("x")).build()));
    assertTrue(e.getMessage().startsWith("option tenant of remind() is a java.lang.StringBuilder"), e.getMessage());
    List<Object> cycle = new ArrayList<>();
    cycle.add(cycle);
    e = assertThrows(IllegalArgumentException.class, () -> codec.encode(Intent.named("remind").args(cycle).build()));
    assertTrue(e.getMessage().contains("nested deeper than"), e.getMessage());
  }

  @Test
  void localCodeAndRetryPoliciesWithCodeDoNotEncode() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.encode(Intent.of("audit", intent -> { }).build()));
    assertTrue(e.getMessage().contains("runs local code"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> codec.encode(Intent.named("audit")
        .option(Intent.RETRY, RetryPolicy.exponential(1, Duration.ZERO).retryIf(x -> true)).build()));
    assertTrue(e.getMessage().startsWith("option retry of audit() carries code"), e.getMessage());
  }

  @Test
  void dataThatIsNotAnEncodedIntentIsRefusedNamingTheField() {
    Map<String, Object> good = new LinkedHashMap<>(codec.encode(mail()));
    assertRefused("field codec", with(good, "codec", 2));
    assertRefused("field name must be a String", with(good, "name", 5));
    assertRefused("field args must be a List", with(good, "args", "x"));
    Map<String, Object> options = new LinkedHashMap<>(codec.encode(Intent.named("x").build()));
    assertRefused("field options.delay must be an ISO-8601 duration", with(options, "options", Map.of("delay", "5 seconds")));
    assertRefused("field options.priority must be a whole number", with(options, "options", Map.of("priority", 1.5)));
    assertRefused("field options.retry.maxRetries must be a Number", with(options, "options", Map.of("retry", Map.of())));
    assertRefused("names com.example.Gone, which this process cannot load", with(options, "options",
        Map.of("retry", Map.of("maxRetries", 1, "initialDelay", "PT1S", "retryOn", List.of("com.example.Gone")))));
    assertRefused("names java.lang.String, which is not a Throwable", with(options, "options",
        Map.of("retry", Map.of("maxRetries", 1, "initialDelay", "PT1S", "abortOn", List.of("java.lang.String")))));
    assertThrows(NullPointerException.class, () -> codec.decode(null));
    assertThrows(NullPointerException.class, () -> codec.encode(null));
  }

  private void assertRefused(String expected, Map<String, Object> data) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> codec.decode(data));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static Map<String, Object> with(Map<String, Object> data, String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(data);
    copy.put(key, value);
    return copy;
  }

  @Test
  void anIntentThatTheScopesExecutorCouldNotSendFailsAtEnqueueNotAtFlush() {
    List<Map<String, Object>> sent = new ArrayList<>();
    IntentExecutor sender = new IntentExecutor() {
      @Override
      public void dispatch(Intent intent) {
        sent.add(codec.encode(intent));
      }

      @Override
      public void validate(Intent intent) {
        codec.encode(intent);
      }
    };
    try (IntentScope outer = Airlock.open(new IntentScope(sender, null, null))) {
      try (IntentScope inner = Airlock.scope()) { // its own executor accepts anything; the outer one dispatches what it captures
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Airlock.enqueue("remind", Instant.EPOCH));
        assertTrue(e.getMessage().startsWith("argument 0 of remind("), e.getMessage());
        Airlock.enqueue("remind", "2026-12-03T10:00:00Z");
        assertEquals(1, inner.pending().size(), "the refused intent was never buffered");
        inner.complete();
      }
      outer.complete();
    }
    assertEquals(1, sent.size());
    assertEquals(List.of("2026-12-03T10:00:00Z"), sent.get(0).get("args"));
  }

  @Test
  void badOptionValuesAreRefusedByTheBuilder() {
    assertThrows(IllegalArgumentException.class, () -> Intent.named("x").option(Intent.RETRY, "3 times"));
    assertThrows(IllegalArgumentException.class, () -> Intent.named("x").option(Intent.TIMEOUT, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> Intent.named("x").option(Intent.TIMEOUT, 30));
  }
}
