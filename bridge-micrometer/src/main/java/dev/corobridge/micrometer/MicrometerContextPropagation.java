// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.micrometer;

import dev.corobridge.spi.ContextPropagation;
import dev.corobridge.spi.ContextPropagator;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Carries every {@link io.micrometer.context.ThreadLocalAccessor} of a {@link ContextRegistry}
 * ({@code io.micrometer:context-propagation}, the library Reactor, Spring and Micrometer Tracing use for this) from
 * the code that submits work to the code that runs it, on every runtime: SLF4J's MDC, Micrometer Tracing's
 * observations, an OpenTelemetry {@code Context}, a tenant, whatever has an accessor registered.
 *
 * <p>Once {@link #register() registered}, each executor captures the registry's thread-locals where work is
 * accepted (a {@code submit}, each batch, a scope's {@code fork}, a Kotlin {@code async}, {@code map} or
 * {@code mapIter}) and sets them around every run of the work's code, on a Java task's thread, a blocking thread,
 * and at each resumption of a Kotlin coroutine, then puts the thread's own values back, so nothing leaks into the
 * next task on that thread. A thread-local that was unset where the work was accepted is unset while it runs.
 *
 * <pre>{@code
 * ContextRegistry.getInstance().registerThreadLocalAccessor(new Slf4jThreadLocalAccessor());
 * MicrometerContextPropagation.register();
 * MDC.put("request", "r-17");
 * executor.submitBlocking(() -> { log.info("handled"); return null; }); // logged with request=r-17
 * }</pre>
 *
 * <p>Needs {@code io.micrometer:context-propagation} on the class path (an optional dependency of this module, as
 * of Micrometer's). Thread-safe.
 */
public final class MicrometerContextPropagation {
  private static final ContextPropagator<?> GLOBAL = new SnapshotPropagator(ContextRegistry.getInstance());

  private MicrometerContextPropagation() {}

  /**
   * Makes every executor carry the accessors of {@link ContextRegistry#getInstance()}, those registered now and
   * later. Registering again does nothing.
   */
  public static void register() {
    ContextPropagation.register(GLOBAL);
  }

  /** Stops what {@link #register()} started, for work accepted from now on. */
  public static void unregister() {
    ContextPropagation.unregister(GLOBAL);
  }

  /**
   * A propagator of {@code registry}'s accessors, to register with {@link ContextPropagation#register} (and
   * unregister with {@link ContextPropagation#unregister}), e.g. a registry of a test's own.
   *
   * @param registry the accessors to carry
   * @return a propagator of them
   * @throws NullPointerException if {@code registry} is null
   */
  public static ContextPropagator<?> propagator(ContextRegistry registry) {
    return new SnapshotPropagator(Objects.requireNonNull(registry, "registry"));
  }

  /** Captures a {@link ContextSnapshot}; installing it gives the {@link ContextSnapshot.Scope} that puts things back. */
  private static final class SnapshotPropagator implements ContextPropagator<Object> {
    private final ContextRegistry registry;
    private final ContextSnapshotFactory snapshots;

    SnapshotPropagator(ContextRegistry registry) {
      this.registry = registry;
      this.snapshots = ContextSnapshotFactory.builder().contextRegistry(registry).clearMissing(true).build();
    }

    @Override
    public @Nullable Object capture() {
      if (registry.getThreadLocalAccessors().isEmpty()) return null; // nothing to carry: no snapshot, no cost
      return snapshots.captureAll();
    }

    @Override
    public Object install(Object captured) {
      return ((ContextSnapshot) captured).setThreadLocals();
    }

    @Override
    public void uninstall(@Nullable Object previous) {
      if (previous != null) ((ContextSnapshot.Scope) previous).close();
    }

    @Override
    public String toString() {
      return "MicrometerContextPropagation[" + registry.getThreadLocalAccessors().size() + " accessors]";
    }
  }
}
