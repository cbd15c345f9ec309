package dev.corobridge.internal;

import dev.corobridge.runtime.FallbackRuntime;
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
        .orElseGet(FallbackRuntime::new);
  }

  /** Returns the provider with the highest priority, or the fallback runtime when no engine is on the class path. */
  public static AsyncExecutorProvider get() {
    return Holder.PROVIDER;
  }

  /** Whether no engine is on the class path, so that {@link #get()} is the fallback runtime. */
  public static boolean isFallback() {
    return Holder.PROVIDER instanceof FallbackRuntime;
  }
}
