// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.MapOptions;
import dev.corobridge.RetryPolicy;
import dev.corobridge.TaskOptions;
import dev.corobridge.runtime.FallbackRuntime;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a Java project sees of {@code bridge-coroutines}: the engine behind {@code AsyncExecutor.builder()},
 * its few Java-callable extras ({@code CoroutineAsyncExecutors.asCoroutineExecutor}, {@code name},
 * {@code maxWorkers}), and nothing it should not call (the engine's constructor, the Kotlin-only factories).
 */
class JavaSurfaceTest {
  @Test
  void theBuilderFindsTheCoroutineEngineAndJavaCanUseItWhole() {
    try (AsyncExecutor executor = AsyncExecutor.builder().name("from-java").maxWorkers(4).lane("image", 1).build()) {
      CoroutineAsyncExecutor engine = CoroutineAsyncExecutors.asCoroutineExecutor(executor);
      assertEquals("from-java", engine.getName());
      assertEquals(4, engine.getMaxWorkers());
      TaskOptions retried = TaskOptions.builder().retry(RetryPolicy.exponential(1, Duration.ZERO)).lane("image").build();
      assertEquals("a", executor.submit(() -> CompletableFuture.completedFuture("a"), retried).join());
      assertEquals(2, executor.submitBlocking(() -> 2).join());
      assertEquals(List.of(2, 4), executor.map(i -> CompletableFuture.completedFuture(i * 2), List.of(1, 2),
          MapOptions.builder().window(1).build()).join());
      try (Stream<Integer> stream = executor.mapIter(CompletableFuture::completedFuture, List.of(1, 2, 3))) {
        assertEquals(List.of(1, 2, 3), stream.toList());
      }
      assertEquals(7, executor.<Integer>callAppropriately(() -> 7).join());
      assertEquals(8, executor.runBlocking(() -> CompletableFuture.completedFuture(8)));
    }
  }

  @Test
  void asCoroutineExecutorRefusesAnotherEngineNamingIt() {
    try (AsyncExecutor fallback = new FallbackRuntime().create(AsyncExecutor.builder().maxWorkers(1).toConfig())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CoroutineAsyncExecutors.asCoroutineExecutor(fallback));
      assertTrue(e.getMessage().contains("bridge-coroutines"), e.getMessage());
    }
  }

  @Test
  void javaCannotConstructTheEngineNorSeeKotlinOnlyFactories() {
    for (Constructor<?> constructor : CoroutineAsyncExecutor.class.getDeclaredConstructors()) {
      assertTrue(Modifier.isPrivate(constructor.getModifiers()) || constructor.isSynthetic(), "not for Java: " + constructor);
    }
    for (Method method : CoroutineAsyncExecutors.class.getDeclaredMethods()) {
      if (!Modifier.isPublic(method.getModifiers()) || method.isSynthetic()) continue;
      Class<?>[] parameters = method.getParameterTypes();
      boolean suspending = parameters.length > 0 && parameters[parameters.length - 1].getName().equals("kotlin.coroutines.Continuation");
      if (suspending) continue; // a suspend function: Kotlin's API, which Java cannot call without a coroutine
      for (Class<?> parameter : parameters) {
        assertTrue(!parameter.getName().startsWith("kotlin.jvm.functions"),
            "a Kotlin-only function reaches Java: " + method);
      }
    }
  }

  @Test
  void aNullFromJavaIsRefusedInTheLibrarysWords() {
    try (AsyncExecutor executor = AsyncExecutor.builder().maxWorkers(1).build()) {
      NullPointerException e = assertThrows(NullPointerException.class, () -> executor.submit(null));
      assertEquals("task must not be null", e.getMessage());
      assertInstanceOf(CoroutineAsyncExecutor.class, executor);
    }
  }
}
