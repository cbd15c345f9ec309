// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.tck;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link CompletionStage}s that are legal but unusual, or broken, as a task may return them: a runtime must
 * give each task one clear outcome whatever its stage does, and never lose a worker to it.
 */
final class OddStages {
  private OddStages() {}

  /** What a stage does instead of its backing future's behaviour, or {@code null} to behave normally. */
  private interface Oddity {
    Object call(CompletableFuture<?> backing, Method method, Object[] args) throws Throwable;
  }

  private static final Object NORMAL = new Object();

  /**
   * A stage that completes when {@code backing} does but cannot be converted: its {@code toCompletableFuture()}
   * throws {@link UnsupportedOperationException}, as the interface allows, so nobody but its owner can cancel it.
   */
  static <T> CompletionStage<T> unconvertible(CompletableFuture<T> backing) {
    return convertingWith(backing, new UnsupportedOperationException("this stage cannot be converted"));
  }

  /** Like {@link #unconvertible}, but the conversion throws {@code failure}, which the interface does not allow. */
  static <T> CompletionStage<T> convertingWith(CompletableFuture<T> backing, RuntimeException failure) {
    return stage(backing, (b, method, args) -> {
      if (method.getName().equals("toCompletableFuture")) throw failure;
      return NORMAL;
    });
  }

  /**
   * An unconvertible stage that calls every {@code whenComplete} and {@code handle} callback twice when
   * {@code backing} completes.
   */
  static <T> CompletionStage<T> callingBackTwice(CompletableFuture<T> backing) {
    return stage(backing, (b, method, args) -> {
      if (method.getName().equals("toCompletableFuture")) throw new UnsupportedOperationException();
      if (method.getName().startsWith("whenComplete") || method.getName().startsWith("handle")) {
        invoke(b, method, args);
        return invoke(b, method, args);
      }
      return NORMAL;
    });
  }

  /** A stage every method of which (conversion and callbacks alike) throws {@code failure}. */
  static <T> CompletionStage<T> broken(RuntimeException failure) {
    return stage(new CompletableFuture<T>(), (b, method, args) -> {
      throw failure;
    });
  }

  @SuppressWarnings("unchecked")
  private static <T> CompletionStage<T> stage(CompletableFuture<T> backing, Oddity oddity) {
    return (CompletionStage<T>) Proxy.newProxyInstance(OddStages.class.getClassLoader(), new Class<?>[] {CompletionStage.class},
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
              case "equals" -> proxy == args[0];
              case "hashCode" -> System.identityHashCode(proxy);
              default -> "OddStage[" + backing + "]";
            };
          }
          Object odd = oddity.call(backing, method, args);
          return odd != NORMAL ? odd : invoke(backing, method, args);
        });
  }

  private static Object invoke(CompletableFuture<?> backing, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(backing, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
