// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import dev.corobridge.AsyncExecutor
import dev.corobridge.coroutines.CoroutineAsyncExecutor
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import io.kotest.matchers.types.shouldBeSameInstanceAs
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable

/**
 * The context of a plain queued Kotlin task is one object standing for three things (the executor's elements, the
 * task's slot marker, its job): it must answer every question a context is asked exactly as the usual chain of the
 * same elements does, and the contexts derived from it must carry a marker that acts on the task's own.
 */
class QueuedTaskContextTest : FunSpec({
  /** A plain task's context, with the task (its job) it belongs to. */
  suspend fun plainTaskContext(configure: AsyncExecutor.Builder.() -> Unit = {}): Pair<QueuedTaskContext, Job> {
    val executor = CoroutineAsyncExecutor(2, configure)
    val task = executor.async { coroutineContext }
    val context = task.await()
    executor.close()
    return context.shouldBeInstanceOf<QueuedTaskContext>() to task
  }

  fun CoroutineContext.keys(): List<CoroutineContext.Key<*>> = fold(emptyList()) { keys, element -> keys + element.key }

  /** The same elements as [context] in the usual chain of `CombinedContext`s. */
  fun usualChain(context: CoroutineContext): CoroutineContext =
    context.fold(EmptyCoroutineContext as CoroutineContext) { chain, element -> chain + element }

  /** The marker [context] carries acts on [owner]'s state: what one takes, the other sees. */
  fun marksTheSameSlot(context: CoroutineContext, owner: QueuedTaskContext) {
    val marker = context[HeldSlot]!!
    owner.taken()
    marker.tryLend() shouldBe true
    owner.tryLend() shouldBe false // lent already, through the other
    marker.reclaimed() shouldBe true
    owner.release() shouldBe true
    marker.tryLend() shouldBe false // given back
  }

  test("a plain task's context finds its job, its marker and the executor's elements, each once") {
    val (context, task) = plainTaskContext { name("fast") }
    context[Job] shouldBeSameInstanceAs task
    context[HeldSlot] shouldBeSameInstanceAs context
    context[CoroutineName]?.name shouldBe "fast"
    context[ContinuationInterceptor] shouldBeSameInstanceAs context.base[ContinuationInterceptor]
    val keys = context.keys()
    keys.toSet().size shouldBe keys.size
    keys.last() shouldBe Job
    keys shouldContainExactlyInAnyOrder usualChain(context).keys()
  }

  test("taking any key out of a plain task's context leaves what the usual chain leaves, with a marker of the task's slot") {
    val (context, task) = plainTaskContext { name("fast") }
    val usual = usualChain(context)
    for (key in usual.keys() + CoroutineName.Key + NonCancellable.key) {
      val rest = context.minusKey(key)
      rest.keys() shouldContainExactlyInAnyOrder usual.minusKey(key).keys()
      rest[Job] shouldBe (if (key === Job) null else task)
      if (key !== HeldSlot) marksTheSameSlot(rest, context)
    }
    context.minusKey(HeldSlot)[HeldSlot].shouldBeNull()
    context.minusKey(Job)[Job].shouldBeNull()
  }

  test("adding to a plain task's context, or it to another, gives the usual result and keeps the task's marker") {
    val (context, task) = plainTaskContext()
    (context + EmptyCoroutineContext) shouldBeSameInstanceAs context
    (EmptyCoroutineContext + context) shouldBeSameInstanceAs context

    val named = context + CoroutineName("other")
    named[CoroutineName]?.name shouldBe "other"
    named[Job] shouldBeSameInstanceAs task
    marksTheSameSlot(named, context)

    val child = Job()
    val ofChild = context + child // as a child coroutine's context is made
    ofChild[Job] shouldBeSameInstanceAs child
    ofChild.keys() shouldContainExactlyInAnyOrder (usualChain(context) + child).keys()
    marksTheSameSlot(ofChild, context)

    val nonCancellable = context + NonCancellable // withContext(NonCancellable)
    nonCancellable[Job] shouldBeSameInstanceAs NonCancellable
    marksTheSameSlot(nonCancellable, context)

    val underneath = CoroutineName("under") + context
    underneath[CoroutineName] shouldBe context[CoroutineName]
    underneath[Job] shouldBeSameInstanceAs task
    marksTheSameSlot(underneath, context)
    child.cancel()
  }
})
