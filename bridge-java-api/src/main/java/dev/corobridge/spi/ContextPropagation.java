// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spi;

import dev.corobridge.internal.Checks;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The registered {@link ContextPropagator}s, and snapshots of what they carry. Engines call
 * {@link #capture()} when they accept work and {@link Snapshot#install()} around each run of it. With
 * nothing registered, or nothing to carry, {@code capture()} returns {@link Snapshot#EMPTY} without
 * allocating, so the hook costs one volatile read per task. Thread-safe.
 */
public final class ContextPropagation {
  private static final CopyOnWriteArrayList<ContextPropagator<?>> PROPAGATORS = new CopyOnWriteArrayList<>();
  private static volatile ContextPropagator<?>[] registered = new ContextPropagator<?>[0];

  private ContextPropagation() {}

  /**
   * Registers a propagator; registering the same instance again does nothing.
   *
   * @param propagator the propagator to add
   */
  public static void register(ContextPropagator<?> propagator) {
    Checks.notNull(propagator, "propagator");
    if (PROPAGATORS.addIfAbsent(propagator)) registered = PROPAGATORS.toArray(new ContextPropagator<?>[0]);
  }

  /**
   * Unregisters a propagator.
   *
   * @param propagator the propagator to remove
   */
  public static void unregister(ContextPropagator<?> propagator) {
    if (PROPAGATORS.remove(propagator)) registered = PROPAGATORS.toArray(new ContextPropagator<?>[0]);
  }

  /**
   * Captures the current thread's context from every registered propagator.
   *
   * @return the snapshot of every registered propagator's context
   */
  public static Snapshot capture() {
    ContextPropagator<?>[] propagators = registered;
    if (propagators.length == 0) return Snapshot.EMPTY;
    Object[] values = null;
    for (int i = 0; i < propagators.length; i++) {
      Object value = propagators[i].capture();
      if (value != null) {
        if (values == null) values = new Object[propagators.length];
        values[i] = value;
      }
    }
    return values == null ? Snapshot.EMPTY : new Snapshot(propagators, values);
  }

  /** Captured context: install it around code that runs for the work it was captured for. Immutable. */
  public static final class Snapshot {
    /** Nothing to carry. */
    public static final Snapshot EMPTY = new Snapshot(new ContextPropagator<?>[0], new Object[0]);
    private static final Installed NOTHING = () -> { };

    private final ContextPropagator<?>[] propagators;
    private final Object[] values;

    private Snapshot(ContextPropagator<?>[] propagators, Object[] values) {
      this.propagators = propagators;
      this.values = values;
    }

    /**
     * Whether there is nothing to carry.
     *
     * @return whether nothing was captured
     */
    public boolean isEmpty() {
      return this == EMPTY;
    }

    /**
     * Installs the context on this thread; close the result to put the previous context back.
     *
     * @return the handle that puts the thread's own context back when closed
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Installed install() {
      if (this == EMPTY) return NOTHING;
      Object[] previous = new Object[values.length];
      for (int i = 0; i < propagators.length; i++) {
        if (values[i] != null) previous[i] = ((ContextPropagator) propagators[i]).install(values[i]);
      }
      return () -> {
        for (int i = propagators.length - 1; i >= 0; i--) {
          if (values[i] != null) ((ContextPropagator) propagators[i]).uninstall(previous[i]);
        }
      };
    }

    /**
     * {@code callable} run with this context installed; {@code callable} itself if there is nothing to carry.
     *
     * @param <T> the type of the callable's value
     * @param callable the work to run in the captured context
     * @return a callable that installs the snapshot around {@code callable}
     */
    public <T extends @Nullable Object> Callable<T> wrap(Callable<T> callable) {
      if (this == EMPTY) return callable;
      return () -> {
        try (Installed ignored = install()) {
          return callable.call();
        }
      };
    }

    /** Installed context; {@link #close()} puts the previous one back. */
    public interface Installed extends AutoCloseable {
      @Override
      void close();
    }

    @Override
    public String toString() {
      return "Snapshot" + Arrays.stream(values).filter(Objects::nonNull).toList();
    }
  }
}
