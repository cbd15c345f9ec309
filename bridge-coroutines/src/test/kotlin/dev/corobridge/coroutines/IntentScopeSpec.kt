// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

import dev.corobridge.coroutines.intent.asContextElement
import dev.corobridge.coroutines.intent.intentScoped
import dev.corobridge.intent.Airlock
import dev.corobridge.intent.Intent
import dev.corobridge.intent.IntentExecutor
import dev.corobridge.intent.IntentScope
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.shouldBe
import java.util.Optional
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext

/** Intent scopes follow the work through the coroutine engine and through coroutines. */
class IntentScopeSpec : FunSpec({
  val ran = CopyOnWriteArrayList<String>()
  val recorder = IntentExecutor { intent -> intent.run() }
  fun effect(name: String, vararg args: Any): Intent = Intent.of(name) { intent -> ran.add(intent.toString()) }.args(*args).build()

  beforeTest { ran.clear() }

  test("Java-API tasks of the coroutine engine enqueue into the scope they were submitted from") {
    CoroutineAsyncExecutor(4).use { executor ->
      Airlock.scope(recorder).use { scope ->
        executor.submit { Airlock.enqueue(effect("submit")); CompletableFuture.completedFuture(1) }.join()
        executor.submitBlocking { Airlock.enqueue(effect("blocking")) }.join()
        executor.map({ i: Int -> Airlock.enqueue(effect("map", i)); CompletableFuture.completedFuture(i) }, listOf(1, 2)).join()
        executor.mapIter({ i: Int -> Airlock.enqueue(effect("mapIter", i)); CompletableFuture.completedFuture(i) }, listOf(3)).use { it.toList() }
        (executor as dev.corobridge.AsyncExecutor).callAppropriately<Unit>(java.util.concurrent.Callable { Airlock.enqueue(effect("appropriate")) }).join()
        scope.pending().size shouldBe 6
        scope.complete()
      }
      ran.size shouldBe 6
      executor.submitBlocking { Airlock.current() }.join() shouldBe Optional.empty()
    }
  }

  test("intentScoped flushes when the block returns, across threads and the Kotlin API") {
    withAsyncExecutor(4) {
      intentScoped(IntentScope(recorder, null, null)) {
        withContext(Dispatchers.Default) { Airlock.enqueue(effect("otherThread")) }
        async { Airlock.enqueue(effect("async")) }.await()
        launch { Airlock.enqueue(effect("launch")) }.join()
        map(listOf(1, 2)) { i -> delay(1); Airlock.enqueue(effect("map", i)) }
        mapIter(listOf(3)) { i -> Airlock.enqueue(effect("mapIter", i)) }.toList()
        ran shouldBe emptyList()
      }
    }
    ran shouldContainExactlyInAnyOrder listOf("otherThread()", "async()", "launch()", "map(1)", "map(2)", "mapIter(3)")
    Airlock.current() shouldBe Optional.empty()
  }

  test("intentScoped discards when the block throws, and the exception is the block's") {
    val failure = IllegalStateException("handler failed")
    shouldThrow<IllegalStateException> {
      intentScoped(IntentScope(recorder, null, null)) {
        Airlock.enqueue(effect("mail"))
        throw failure
      }
    } shouldBe failure
    ran shouldBe emptyList()
  }

  test("concurrent coroutines each see only their own scope") {
    val results = coroutineScope {
      (0 until 8).map { unit ->
        async(Dispatchers.Default) {
          val scope = IntentScope(recorder, null, null)
          intentScoped(scope) {
            repeat(10) { i ->
              delay(1)
              Airlock.enqueue(effect("unit$unit", i))
            }
            scope.pending().map { it.name() }.distinct()
          }
        }
      }.awaitAll()
    }
    results.forEachIndexed { unit, names -> names shouldContainExactly listOf("unit$unit") }
    ran.size shouldBe 80
  }

  test("asContextElement makes an open scope current in a coroutine") {
    val scope = Airlock.scope(recorder)
    Airlock.swapCurrent(null)
    withContext(Dispatchers.Default + scope.asContextElement()) {
      Airlock.enqueue(effect("inCoroutine"))
    }
    Airlock.current() shouldBe Optional.empty()
    scope.flush()
    ran shouldContainExactly listOf("inCoroutine()")
  }
})
