package dev.corobridge.internal;

import dev.corobridge.spi.AsyncExecutorProvider;
import java.util.Comparator;
import java.util.ServiceLoader;

/** Finds the {@link AsyncExecutorProvider} to use, once. Not part of the public API. */
public final class Providers {
  private Providers() {}

  private static final class Holder {
    static final AsyncExecutorProvider PROVIDER = ServiceLoader.load(AsyncExecutorProvider.class, Providers.class.getClassLoader())
        .stream()
        .map(ServiceLoader.Provider::get)
        .max(Comparator.comparingInt(AsyncExecutorProvider::priority))
        .orElse(null);
  }

  /**
   * Returns the provider with the highest priority.
   *
   * @throws IllegalStateException if no engine is on the class path
   */
  public static AsyncExecutorProvider get() {
    AsyncExecutorProvider provider = Holder.PROVIDER;
    if (provider == null) {
      throw new IllegalStateException("No Corobridge engine found on the class path: add the dependency "
          + "dev.corobridge:bridge-coroutines (it registers dev.corobridge.spi.AsyncExecutorProvider)");
    }
    return provider;
  }
}
