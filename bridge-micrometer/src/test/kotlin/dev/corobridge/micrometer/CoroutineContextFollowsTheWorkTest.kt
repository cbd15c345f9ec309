// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.micrometer

import dev.corobridge.coroutines.CoroutineAsyncExecutor
import dev.corobridge.coroutines.callAppropriately
import dev.corobridge.coroutines.scope
import dev.corobridge.spi.ContextPropagation
import dev.corobridge.spi.ContextPropagator
import io.micrometer.context.ContextRegistry
import io.micrometer.context.integration.Slf4jThreadLocalAccessor
import io.opentelemetry.context.Context
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter
import io.opentelemetry.sdk.trace.SdkTracerProvider
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.slf4j.MDC

/**
 * [MicrometerContextPropagation] across the Kotlin boundary: the MDC and the current OpenTelemetry span where a
 * coroutine calls the Kotlin API are seen in its `async`, `launch`, `map` and `mapIter` bodies, before and after
 * they suspend (and resume, maybe on another thread), and a span made there is a child of the caller's.
 */
class CoroutineContextFollowsTheWorkTest {
  private val spans = InMemorySpanExporter.create()
  private val tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build()
  private val tracer = tracing.get("corobridge-test")
  private lateinit var propagator: ContextPropagator<*>

  @BeforeEach
  fun carryMdcAndOpenTelemetry() {
    val registry = ContextRegistry()
      .registerThreadLocalAccessor(Slf4jThreadLocalAccessor())
      .registerThreadLocalAccessor(OpenTelemetryAccessor())
    propagator = MicrometerContextPropagation.propagator(registry)
    ContextPropagation.register(propagator)
  }

  @AfterEach
  fun stopCarrying() {
    ContextPropagation.unregister(propagator)
    MDC.clear()
    tracing.close()
  }

  /** Makes a span, suspends, makes another: both must be children of the caller's span, and the MDC stays. */
  private suspend fun seen(name: String): String {
    tracer.spanBuilder("$name-before").startSpan().end()
    val before = MDC.get("request")
    delay(1)
    yield()
    tracer.spanBuilder("$name-after").startSpan().end()
    return "$before/${MDC.get("request")}"
  }

  @Test
  fun theMdcAndTheCurrentSpanFollowKotlinTasksAcrossSuspensions() = runBlocking {
    val executor = CoroutineAsyncExecutor(2)
    try {
      val request = tracer.spanBuilder("request").startSpan()
      val seen = mutableListOf<String>()
      request.makeCurrent().use {
        MDC.put("request", "r-5")
        executor.scope {
          val child = async { seen("async") }
          launch { seen("launch") }
          seen += child.await()
        }
        seen += executor.map(listOf(1, 2, 3)) { seen("map") }
        seen += executor.mapIter(listOf(1, 2)) { seen("mapIter") }.toList()
        seen += executor.callAppropriately(suspend { seen("callAppropriately") })
        MDC.remove("request")
      }
      request.end()
      assertEquals(List(7) { "r-5/r-5" }, seen, "the MDC before and after each suspension")
      val made = spans.finishedSpanItems
      val parent = made.single { it.name == "request" }
      val children = made.filter { it !== parent }
      assertEquals(2 * (1 + 1 + 3 + 2 + 1), children.size, children.map { it.name }.toString())
      children.forEach {
        assertEquals(parent.spanId, it.parentSpanId, "${it.name} is a child of the caller's span")
        assertEquals(parent.traceId, it.traceId, "${it.name} in the caller's trace")
      }
      // Started from a coroutine with nothing current: nothing is left over from the work above.
      val later = executor.map(List(8) { it }) { Pair(MDC.getCopyOfContextMap().orEmpty(), Context.current()) }
      assertTrue(later.all { (mdc, context) -> mdc.isEmpty() && context == Context.root() }, later.toString())
    } finally {
      executor.close()
    }
  }
}
