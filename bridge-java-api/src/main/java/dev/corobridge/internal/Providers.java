// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.internal;

import dev.corobridge.spi.AsyncExecutorProvider;
import java.util.Comparator;
import java.util.ServiceLoader;

/**
 * Finds the {@link AsyncExecutorProvider} to use, once: the registered provider with the highest priority.
 * Runtimes are wired in one place, their {@code ServiceLoader} registrations ({@code provides} in the
 * {@code module-info}s): the fallback runtime of {@code bridge-java-api} with the lowest priority, the
 * coroutine engine above it. Not part of the public API.
 */
public final class Providers {
  private Providers() {}

  private static final class Holder {
    static final AsyncExecutorProvider PROVIDER = ServiceLoader.load(AsyncExecutorProvider.class, Providers.class.getClassLoader())
        .stream()
        .map(ServiceLoader.Provider::get)
        .max(Comparator.comparingInt(AsyncExecutorProvider::priority))
        .orElseThrow(() -> new IllegalStateException("no AsyncExecutorProvider is registered, not even bridge-java-api's "
            + "fallback: its META-INF/services entry is missing (a shaded jar that dropped service files?)"));
  }

  /** Returns the provider with the highest priority: the fallback runtime when no engine is on the class path. */
  public static AsyncExecutorProvider get() {
    return Holder.PROVIDER;
  }
}
