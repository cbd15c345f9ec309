// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class OptionsTest {

  @Test
  void defaultsAskForNothing() {
    TaskOptions task = TaskOptions.defaults();
    assertEquals(Optional.empty(), task.lane());
    assertSame(RetryPolicy.none(), task.retry());
    assertEquals(Optional.empty(), task.timeout());
    assertEquals(Optional.empty(), task.semaphore());
    MapOptions map = MapOptions.defaults();
    assertSame(TaskOptions.defaults(), map.task());
    assertEquals(OptionalInt.empty(), map.window());
    assertEquals(Optional.empty(), map.timeout());
  }

  @Test
  void builtOptionsAreSnapshotsTheBuilderCannotChangeLater() {
    TaskOptions.Builder builder = TaskOptions.builder().lane("a").timeout(Duration.ofSeconds(1));
    TaskOptions first = builder.build();
    builder.lane("b");
    assertEquals(Optional.of("a"), first.lane());
    assertEquals(Optional.of("b"), first.toBuilder().lane("b").build().lane());
    assertTrue(first.toString().contains("lane=a"));
  }

  @Test
  void waitResultCopiesItsSetsKeepingInputOrderAndRefusesChanges() {
    CompletableFuture<Integer> a = new CompletableFuture<>();
    CompletableFuture<Integer> b = new CompletableFuture<>();
    Set<CompletableFuture<Integer>> done = new LinkedHashSet<>(List.of(b, a));
    WaitResult<Integer> result = new WaitResult<>(done, Set.of());
    done.clear();
    assertEquals(List.of(b, a), List.copyOf(result.done()));
    assertThrows(UnsupportedOperationException.class, () -> result.done().clear());
    assertThrows(NullPointerException.class, () -> new WaitResult<Integer>(null, Set.of()));
  }

  @Test
  void aLaneCanBeDeclaredOnlyOnce() {
    AsyncExecutor.Builder builder = AsyncExecutor.builder().lane("gallery", 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder.lane("gallery", 3));
    assertTrue(e.getMessage().contains("gallery"));
  }

  @Test
  void theDefaultUncaughtErrorHandlerLogsTheFailure() {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger("dev.corobridge");
    java.util.List<java.util.logging.LogRecord> records = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler capture = new java.util.logging.Handler() {
      @Override public void publish(java.util.logging.LogRecord record) { records.add(record); }
      @Override public void flush() { }
      @Override public void close() { }
    };
    logger.addHandler(capture);
    try {
      RuntimeException failure = new RuntimeException("lost in the background");
      AsyncExecutor.builder().toConfig().uncaughtErrorHandler().accept(failure);
      assertEquals(1, records.size());
      assertSame(failure, records.get(0).getThrown());
      assertEquals(java.util.logging.Level.SEVERE, records.get(0).getLevel());
    } finally {
      logger.removeHandler(capture);
    }
  }
}
