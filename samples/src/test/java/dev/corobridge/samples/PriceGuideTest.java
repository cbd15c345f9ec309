// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.component.ComponentResult;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The components pipeline picks the cheaper source per item, and the database never sees the original connection. */
class PriceGuideTest {
  @Test
  void theRunnerPicksTheCheapestOfferFromTheDatabaseAndTheWebService() throws Exception {
    try (AsyncExecutor executor = AsyncExecutor.create(4); PriceGuide guide = new PriceGuide(executor)) {
      List<ComponentResult<PriceGuide.Quote>> best = guide.run(List.of("apples", "pears"));
      assertEquals("web", best.get(0).component());
      assertEquals(new PriceGuide.Quote("orchard-online", 2.10), best.get(0).value());
      assertEquals("duckdb", best.get(1).component());
      assertEquals(new PriceGuide.Quote("market-hall", 2.80), best.get(1).value());
      assertEquals(2, guide.usedConnections().size(), "a duplicate per query");
      assertFalse(guide.usedConnections().contains(guide.originalConnection()));
      for (Connection duplicate : guide.usedConnections()) {
        assertTrue(duplicate.isClosed(), "each duplicate was closed when its query was done");
      }
      assertFalse(guide.originalConnection().isClosed());
    }
  }
}
