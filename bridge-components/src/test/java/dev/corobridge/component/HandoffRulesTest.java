// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.component;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HandoffRulesTest {
  record Query(String name, List<String> tags) {}

  record Upload(String name, InputStream body) {}

  @Test
  void immutableValuesAreSharedAsTheyAre() throws Exception {
    try (HandoffRules.Handed<String> handed = HandoffRules.defaults().handOff("text")) {
      assertSame("text", handed.value());
      assertFalse(handed.isCopy());
    }
    Query plain = new Query("q", null);
    try (HandoffRules.Handed<Query> handed = HandoffRules.defaults().handOff(plain)) {
      assertSame(plain, handed.value(), "a record of safe components is not rebuilt");
      assertFalse(handed.isCopy());
    }
  }

  @Test
  void aRecordIsRebuiltWithCopiesOfItsUnsafeComponents() throws Exception {
    List<String> mutable = new ArrayList<>(List.of("a"));
    Query query = new Query("q", mutable);
    try (HandoffRules.Handed<Query> handed = HandoffRules.defaults().handOff(query)) {
      assertTrue(handed.isCopy());
      assertNotSame(query, handed.value());
      assertNotSame(mutable, handed.value().tags());
      assertThrows(UnsupportedOperationException.class, () -> handed.value().tags().add("b"));
      mutable.add("c");
      assertEquals(List.of("a"), handed.value().tags(), "a snapshot, not a view");
    }
  }

  @Test
  void anUnsafeComponentWithoutARuleIsRefusedAndARuleCopiesAndClosesIt() throws Exception {
    InputStream original = new ByteArrayInputStream(new byte[] {1, 2});
    UnsafeHandoffException refused = assertThrows(UnsafeHandoffException.class, () -> HandoffRules.defaults().handOff(new Upload("u", original)));
    assertTrue(refused.getMessage().contains("InputStream"), refused.getMessage());

    AtomicInteger closedCopies = new AtomicInteger();
    HandoffRules rules = HandoffRules.defaults().with(InputStream.class, in -> new ByteArrayInputStream(new byte[] {7}) {
      @Override
      public void close() {
        closedCopies.incrementAndGet();
      }
    });
    HandoffRules.Handed<Upload> handed = rules.handOff(new Upload("u", original));
    assertNotSame(original, handed.value().body());
    assertEquals(7, handed.value().body().read());
    handed.close();
    assertEquals(1, closedCopies.get(), "the copy was closed");
    assertEquals(2, original.available(), "the original was neither read nor closed");
  }

  @Test
  void theMostRecentlyAddedMatchingRuleWins() throws Exception {
    HandoffRules rules = HandoffRules.defaults()
        .with(CharSequence.class, s -> "general")
        .with(StringBuilder.class, sb -> new StringBuilder("specific"));
    try (HandoffRules.Handed<StringBuilder> handed = rules.handOff(new StringBuilder("x"))) {
      assertEquals("specific", handed.value().toString());
    }
    assertThrows(UnsafeHandoffException.class, () -> HandoffRules.defaults().handOff(new StringBuilder("unsafe by default")));
  }

  @Test
  void aCollectionHoldingAnUnsafeValueIsRefusedOrCopiedElementByElement() throws Exception {
    InputStream original = new ByteArrayInputStream(new byte[] {1});
    assertThrows(UnsafeHandoffException.class, () -> HandoffRules.defaults().handOff(List.of(original)));
    assertThrows(UnsafeHandoffException.class, () -> HandoffRules.defaults().handOff(java.util.Map.of("body", original)));
    assertThrows(UnsafeHandoffException.class, () -> HandoffRules.defaults().handOff(new Object[] {"a", new StringBuilder("b")}));

    AtomicInteger closedCopies = new AtomicInteger();
    HandoffRules rules = HandoffRules.defaults().with(InputStream.class, in -> new ByteArrayInputStream(new byte[] {7}) {
      @Override
      public void close() {
        closedCopies.incrementAndGet();
      }
    });
    HandoffRules.Handed<List<Object>> handed = rules.handOff(List.of("text", original, List.of(original)));
    assertSame("text", handed.value().get(0));
    assertNotSame(original, handed.value().get(1), "the element was copied by its rule");
    assertNotSame(original, ((List<?>) handed.value().get(2)).get(0), "nested containers too");
    handed.close();
    assertEquals(2, closedCopies.get(), "every copy made for the elements was closed");
    assertEquals(1, original.available(), "the original was left alone");
  }
}
