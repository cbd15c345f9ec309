// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.RetryEvent;
import dev.corobridge.RetryPolicy;
import dev.corobridge.component.AsyncComponent;
import dev.corobridge.component.BridgeQueue;
import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentScope;
import dev.corobridge.runtime.FallbackRuntime;
import dev.corobridge.spi.ContextPropagator;
import dev.corobridge.spi.ExecutorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Executable;
import java.lang.reflect.GenericDeclaration;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.TypeVariable;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The Java API's nullness as Kotlin and null checkers read it (JSpecify): every published package is null-marked,
 * so a Kotlin caller sees real types instead of platform types; a task's result, a map item and the other values a
 * caller chooses may be null (their type variables are declared {@code <T extends @Nullable Object>}); and the few
 * parameters and results documented as "or null" are {@code @Nullable}.
 */
class NullnessContractTest {
  /** One class of each published package, to find the package and the artifact holding it. */
  private static final List<Class<?>> PACKAGES = List.of(
      AsyncExecutor.class, ExecutorConfig.class, FallbackRuntime.class, Intent.class, AsyncComponent.class);

  /**
   * Type variables that stand for a value Corobridge itself never lets be null: a propagator's captured context (a
   * null capture means "none"), a queue's items (null is its end), a hand-off copy, a class's instance, a scope.
   */
  private static final Set<String> NON_NULL_TYPE_VARIABLES = Set.of(
      "dev.corobridge.spi.ContextPropagator<T>",
      "dev.corobridge.component.BridgeQueue<T>",
      "dev.corobridge.component.ComponentStream<O>",
      "dev.corobridge.component.SyncStreamComponent<O>",
      "dev.corobridge.component.ThreadHandoff<T>",
      "dev.corobridge.component.HandoffRules.with<T>",
      "dev.corobridge.intent.Airlock.open<S>");

  @Test
  void everyPublishedPackageIsNullMarked() {
    for (Class<?> type : PACKAGES) {
      assertTrue(type.getPackage().isAnnotationPresent(NullMarked.class), type.getPackageName() + " is not @NullMarked");
    }
  }

  @Test
  void everyTypeVariableOfThePublicApiAdmitsNullSoATaskMayReturnNull() {
    List<String> nonNull = new ArrayList<>();
    int checked = 0;
    for (Class<?> type : publicTypes()) {
      checked += collectNonNullTypeVariables(type, type.getName(), nonNull);
      for (Executable member : Stream.concat(Stream.of(type.getDeclaredMethods()), Stream.of(type.getDeclaredConstructors())).toList()) {
        if (Modifier.isPublic(member.getModifiers()) || Modifier.isProtected(member.getModifiers())) {
          checked += collectNonNullTypeVariables(member, type.getName() + "." + member.getName(), nonNull);
        }
      }
    }
    assertTrue(checked > 50, "too few type variables found (" + checked + "): the scan is broken");
    assertEquals(List.of(), nonNull, "type variables that do not admit null (declare <T extends @Nullable Object>)");
  }

  @Test
  void whatTheDocsCallOrNullIsNullable() throws ReflectiveOperationException {
    Map<String, RecordComponent> event = Stream.of(RetryEvent.class.getRecordComponents())
        .collect(Collectors.toMap(RecordComponent::getName, component -> component));
    assertNullable(event.get("failure").getAnnotatedType());
    assertNullable(event.get("result").getAnnotatedType());
    assertNullable(ContextPropagator.class.getMethod("capture").getAnnotatedReturnType());
    assertNullable(RetryPolicy.class.getMethod("retryDelayNanos", int.class, Object.class, Throwable.class).getAnnotatedParameterTypes()[1]);
    assertNullable(RetryPolicy.class.getMethod("retryDelayNanos", int.class, Object.class, Throwable.class).getAnnotatedParameterTypes()[2]);
    assertNullable(ExecutorConfig.class.getMethod("withStallThreshold", Duration.class).getAnnotatedParameterTypes()[0]);
    assertNullable(Intent.class.getMethod("arg", int.class).getAnnotatedReturnType());
    assertNullable(IntentScope.class.getMethod("parent").getAnnotatedReturnType());
    assertNullable(Airlock.class.getMethod("swapCurrent", IntentScope.class).getAnnotatedReturnType());
    assertNullable(BridgeQueue.class.getMethod("poll").getAnnotatedReturnType());
    assertNullable(BridgeQueue.class.getMethod("take").getAnnotatedReturnType());
  }

  private static void assertNullable(AnnotatedElement type) {
    assertTrue(type.isAnnotationPresent(Nullable.class), type + " is not @Nullable");
  }

  private static int collectNonNullTypeVariables(GenericDeclaration declaration, String where, List<String> nonNull) {
    for (TypeVariable<?> variable : declaration.getTypeParameters()) {
      String name = where + "<" + variable.getName() + ">";
      boolean admitsNull = Stream.of(variable.getAnnotatedBounds()).anyMatch(bound -> bound.isAnnotationPresent(Nullable.class));
      if (!admitsNull && !NON_NULL_TYPE_VARIABLES.contains(name)) nonNull.add(name);
    }
    return declaration.getTypeParameters().length;
  }

  /** The public top-level and nested types of the published packages, read from the artifacts that hold them. */
  private static List<Class<?>> publicTypes() {
    List<Class<?>> types = new ArrayList<>();
    for (Class<?> anchor : PACKAGES) {
      for (String className : classNames(anchor)) {
        try {
          Class<?> type = Class.forName(className, false, anchor.getClassLoader());
          if (Modifier.isPublic(type.getModifiers()) && !type.isSynthetic()) types.add(type);
        } catch (ClassNotFoundException e) {
          throw new AssertionError(e);
        }
      }
    }
    return types;
  }

  private static List<String> classNames(Class<?> anchor) {
    String folder = anchor.getPackageName().replace('.', '/');
    try {
      Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (Files.isDirectory(location)) return classNames(location, folder);
      try (FileSystem jar = FileSystems.newFileSystem(location)) {
        return classNames(jar.getPath("/"), folder);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
  }

  private static List<String> classNames(Path root, String folder) throws IOException {
    try (Stream<Path> files = Files.list(root.resolve(folder))) {
      return files.map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".class") && !name.equals("package-info.class") && !name.equals("module-info.class"))
          .map(name -> folder.replace('/', '.') + "." + name.substring(0, name.length() - ".class".length()))
          .sorted()
          .toList();
    }
  }
}
