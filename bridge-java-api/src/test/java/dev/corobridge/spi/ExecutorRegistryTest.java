// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.runtime.FallbackRuntime;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExecutorRegistryTest {
  @AfterEach
  void clear() {
    ExecutorRegistry.unregister();
  }

  @Test
  void withNothingRegisteredCurrentIsTheSharedFallback() {
    assertTrue(ExecutorRegistry.isUsingFallback());
    AsyncExecutor fallback = ExecutorRegistry.current();
    assertSame(fallback, ExecutorRegistry.current(), "one shared fallback");
    assertTrue(fallback.toString().contains("runtime=fallback"), fallback.toString());
    assertTrue(fallback.toString().contains("/" + FallbackRuntime.MAX_WORKERS), fallback.toString());
    assertEquals("works", fallback.submit(() -> CompletableFuture.completedFuture("works")).join());
  }

  @Test
  void aRegisteredExecutorIsCurrentUntilUnregistered() {
    try (AsyncExecutor mine = AsyncExecutor.create(2)) {
      ExecutorRegistry.register(mine);
      assertSame(mine, ExecutorRegistry.current());
      assertFalse(ExecutorRegistry.isUsingFallback());
      assertEquals(Optional.of(mine), ExecutorRegistry.unregister());
      assertTrue(ExecutorRegistry.isUsingFallback());
      assertTrue(mine.isRunning(), "unregistering does not shut the executor down");
      assertEquals(Optional.empty(), ExecutorRegistry.unregister());
    }
  }

  @Test
  void aSecondRegistrationFailsClearlyUntilTheFirstIsUnregistered() {
    try (AsyncExecutor first = AsyncExecutor.create(1); AsyncExecutor second = AsyncExecutor.create(1)) {
      ExecutorRegistry.register(first);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> ExecutorRegistry.register(second));
      assertTrue(e.getMessage().contains("unregister()"), e.getMessage());
      assertSame(first, ExecutorRegistry.current());
      ExecutorRegistry.unregister();
      ExecutorRegistry.register(second);
      assertSame(second, ExecutorRegistry.current());
    }
  }

  @Test
  void registeringNullIsRefusedNamingTheParameter() {
    NullPointerException e = assertThrows(NullPointerException.class, () -> ExecutorRegistry.register(null));
    assertTrue(e.getMessage().contains("executor"));
  }
}
