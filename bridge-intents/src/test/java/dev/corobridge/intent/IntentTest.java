// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Intents themselves: names, arguments, options, how they read, and handlers found by name. */
class IntentTest {
  static final List<String> SENT = new CopyOnWriteArrayList<>();

  static void sendMail(Intent intent) {
    SENT.add("mail to " + intent.arg(0));
  }

  @AfterEach
  void clear() {
    IntentHandlers.unregister("sendMail");
    SENT.clear();
  }

  @Test
  void readsLikeACall() {
    Intent intent = Intent.named("sendMail").args("a@b", 3).arg("retries", 2).arg("html", true).build();
    assertEquals("sendMail(\"a@b\", 3, retries=2, html=true)", intent.toString());
    assertEquals(List.of("a@b", 3), intent.args());
    assertEquals(Optional.of(2), intent.arg("retries"));
    assertEquals(Map.of("retries", 2, "html", true), intent.namedArgs());
    assertThrows(UnsupportedOperationException.class, () -> intent.args().add("x"));
  }

  @Test
  void aMethodReferenceNamesTheIntentAndALambdaMustBeNamed() {
    assertEquals("sendMail", Intent.of(IntentTest::sendMail).build().name());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Intent.of(i -> { }).build());
    assertTrue(e.getMessage().contains("Intent.of(\"name\", task)"), e.getMessage());
    assertEquals("custom", Intent.of("custom", i -> { }).build().name());
  }

  /** Not serializable: a method reference bound to it must still give its name, without serializing it. */
  static final class Mailer {
    final Thread notSerializable = Thread.currentThread();

    void welcome(Intent intent) {
    }
  }

  @Test
  void aMethodReferenceBoundToAnObjectThatDoesNotSerializeStillNamesTheIntent() {
    Mailer mailer = new Mailer();
    assertEquals("welcome", Intent.of(mailer::welcome).build().name());
  }

  @Test
  void itRemembersWhereItWasBuilt() {
    assertEquals(IntentTest.class.getName() + ".itRemembersWhereItWasBuilt", Intent.named("x").build().origin());
    assertEquals("checkout", Intent.named("x").origin("checkout").build().origin());
  }

  @Test
  void dispatchOptionsAreCheckedByKind() {
    Intent intent = Intent.named("x").option(Intent.DELAY, Duration.ofSeconds(5)).option(Intent.QUEUE, "mail").option(Intent.PRIORITY, 7)
        .option("region", "eu").build();
    assertEquals(Optional.of(Duration.ofSeconds(5)), intent.delay());
    assertEquals(Optional.of("mail"), intent.queue());
    assertEquals(Optional.of(7), intent.priority());
    assertEquals("eu", intent.options().get("region"));
    assertThrows(IllegalArgumentException.class, () -> Intent.named("x").option(Intent.DELAY, Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> Intent.named("x").option(Intent.PRIORITY, "high"));
    assertThrows(NullPointerException.class, () -> Intent.named(null));
  }

  @Test
  void theKeyAndAttemptOptionsAreCheckedAndAnExecutorCanAddThemToACopy() {
    Intent intent = Intent.named("x").option(Intent.KEY, "order-42").build();
    assertEquals(Optional.of("order-42"), intent.key());
    assertEquals(1, intent.attempt(), "1 where no executor counts attempts");
    Intent third = intent.withOption(Intent.ATTEMPT, 3);
    assertEquals(3, third.attempt());
    assertEquals(Optional.of("order-42"), third.key());
    assertEquals(1, intent.attempt(), "the original is unchanged");
    assertThrows(IllegalArgumentException.class, () -> intent.withOption(Intent.ATTEMPT, 0));
    assertThrows(IllegalArgumentException.class, () -> Intent.named("x").option(Intent.KEY, 42));
  }

  @Test
  void anIntentEnqueuedByNameRunsTheRegisteredHandlerWithItsArguments() throws Exception {
    IntentHandlers.register("sendMail", IntentTest::sendMail);
    Airlock.scoped(() -> {
      Airlock.enqueue("sendMail", "a@b");
      return null;
    });
    assertEquals(List.of("mail to a@b"), SENT);
    assertFalse(Intent.named("sendMail").build().isLocal());
    assertThrows(IllegalStateException.class, () -> IntentHandlers.register("sendMail", i -> { }));
  }

  @Test
  void anIntentWithNoHandlerFailsItsDispatchNamingTheName() {
    IntentScope scope = Airlock.scope();
    Airlock.enqueue("unknownEffect");
    IntentDispatchException e = assertThrows(IntentDispatchException.class, scope::flush);
    scope.close();
    assertInstanceOf(IllegalStateException.class, e.getCause());
    assertTrue(e.getCause().getMessage().contains("unknownEffect"), e.getCause().getMessage());
  }
}
