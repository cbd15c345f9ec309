// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.MapOptions;
import dev.corobridge.runtime.FallbackRuntime;
import dev.corobridge.spi.ContextPropagation;
import dev.corobridge.spi.ContextPropagator;
import io.micrometer.context.ContextRegistry;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.MDC;

/**
 * {@link MicrometerContextPropagation}: SLF4J's MDC and an OpenTelemetry {@link Context}, registered as
 * {@code ThreadLocalAccessor}s, follow the work into Java tasks, blocking tasks, batch items, stream items and scope
 * forks on the coroutine engine and the fallback; a span current where work is started is the parent of the spans
 * its tasks make; nothing is left on a worker for the next task.
 */
class ContextFollowsTheWorkTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
  private final Tracer tracer = tracing.get("corobridge-test");
  private ContextPropagator<?> propagator;

  static Stream<Arguments> runtimes() {
    return Stream.of(
        Arguments.of("coroutine engine", (Function<AsyncExecutor.Builder, AsyncExecutor>) AsyncExecutor.Builder::build),
        Arguments.of("fallback", (Function<AsyncExecutor.Builder, AsyncExecutor>) b -> new FallbackRuntime().create(b.toConfig())));
  }

  @BeforeEach
  void carryMdcAndOpenTelemetry() {
    ContextRegistry registry = new ContextRegistry()
        .registerThreadLocalAccessor(new Slf4jThreadLocalAccessor())
        .registerThreadLocalAccessor(new OpenTelemetryAccessor());
    propagator = MicrometerContextPropagation.propagator(registry);
    ContextPropagation.register(propagator);
  }

  @AfterEach
  void stopCarrying() {
    ContextPropagation.unregister(propagator);
    MDC.clear();
    tracing.close();
  }

  /** What a task saw: the MDC's request, and the trace and parent of a span it made. */
  private String seen(String name) {
    Span span = tracer.spanBuilder(name).startSpan();
    span.end();
    return MDC.get("request");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void theMdcAndTheCurrentSpanFollowEveryKindOfWorkAndAreItsParent(String runtime, Function<AsyncExecutor.Builder, AsyncExecutor> create)
      throws Exception {
    try (AsyncExecutor executor = create.apply(AsyncExecutor.builder().maxWorkers(2))) {
      List<CompletableFuture<?>> work = new ArrayList<>();
      List<String> requests;
      Span request = tracer.spanBuilder("request").startSpan();
      try (Scope ignored = request.makeCurrent()) {
        MDC.put("request", "r-17");
        work.add(executor.submit(() -> CompletableFuture.completedFuture(seen("submit"))));
        work.add(executor.submitBlocking(() -> seen("submitBlocking")));
        work.add(executor.map(i -> CompletableFuture.completedFuture(seen("map")), List.of(1, 2, 3)));
        work.add(executor.mapBlocking(i -> seen("mapBlocking"), List.of(1, 2, 3)));
        work.add(executor.callAppropriately(() -> seen("callAppropriately")));
        work.add(executor.scoped(scope -> {
          scope.fork(() -> CompletableFuture.completedFuture(seen("fork")));
          scope.forkBlocking(() -> seen("forkBlocking"));
          return CompletableFuture.completedFuture(null);
        }));
        try (Stream<String> stream = executor.mapIter(i -> CompletableFuture.completedFuture(seen("mapIter")), List.of(1, 2), MapOptions.defaults())) {
          requests = stream.collect(Collectors.toList());
        }
        MDC.remove("request");
      } finally {
        request.end();
      }
      for (CompletableFuture<?> future : work) future.get(20, TimeUnit.SECONDS);
      assertEquals(List.of("r-17", "r-17"), requests, "the MDC in the stream's items");
      assertEquals("r-17", work.get(1).get(), "the MDC in a blocking task");
      assertEquals(List.of("r-17", "r-17", "r-17"), work.get(3).get(), "the MDC in mapBlocking's items");

      List<SpanData> made = spans.getFinishedSpanItems();
      SpanData parent = made.stream().filter(s -> s.getName().equals("request")).findFirst().orElseThrow();
      Map<String, Long> children = made.stream().filter(s -> s != parent)
          .peek(s -> assertEquals(parent.getSpanId(), s.getParentSpanId(), s.getName() + " is a child of the request's span on " + runtime))
          .peek(s -> assertEquals(parent.getTraceId(), s.getTraceId(), s.getName() + " in the request's trace"))
          .collect(Collectors.groupingBy(SpanData::getName, Collectors.counting()));
      assertEquals(Map.of("submit", 1L, "submitBlocking", 1L, "map", 3L, "mapBlocking", 3L, "callAppropriately", 1L,
          "fork", 1L, "forkBlocking", 1L, "mapIter", 2L), children);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runtimes")
  void nothingLeaksIntoTheNextTaskOnTheSameWorker(String runtime, Function<AsyncExecutor.Builder, AsyncExecutor> create) throws Exception {
    try (AsyncExecutor executor = create.apply(AsyncExecutor.builder().maxWorkers(1))) {
      Span request = tracer.spanBuilder("request").startSpan();
      try (Scope ignored = request.makeCurrent()) {
        MDC.put("request", "r-1");
        executor.submitBlocking(() -> {
          MDC.put("inside", "set by the task"); // a task's own changes stay with it too
          return seen("first");
        }).get(20, TimeUnit.SECONDS);
        executor.submit(() -> CompletableFuture.completedFuture(seen("first-async"))).get(20, TimeUnit.SECONDS);
        MDC.clear();
      } finally {
        request.end();
      }
      for (int round = 0; round < 2; round++) {
        // First with the propagator (the work was started with nothing to carry), then without: what a worker
        // thread kept from an earlier task would show.
        if (round == 1) ContextPropagation.unregister(propagator);
        for (int i = 0; i < 4; i++) {
          Map<String, String> mdc = executor.submitBlocking(MDC::getCopyOfContextMap).get(20, TimeUnit.SECONDS);
          assertTrue(mdc == null || mdc.isEmpty(), "no MDC left for a later task: " + mdc);
          Map<String, String> asyncMdc = executor.submit(() -> CompletableFuture.completedFuture(MDC.getCopyOfContextMap())).get(20, TimeUnit.SECONDS);
          assertTrue(asyncMdc == null || asyncMdc.isEmpty(), "no MDC left for a later async task: " + asyncMdc);
          assertEquals(Context.root(), executor.submit(() -> CompletableFuture.completedFuture(Context.current())).get(20, TimeUnit.SECONDS),
              "no span left current");
          assertEquals(Context.root(), executor.submitBlocking(Context::current).get(20, TimeUnit.SECONDS), "no span left current on a blocking thread");
        }
      }
    }
  }
}
