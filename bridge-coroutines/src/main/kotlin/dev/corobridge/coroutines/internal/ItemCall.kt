// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import java.util.concurrent.CompletionStage

/** What a batch (map, mapIter) does with one item. */
internal sealed class ItemCall<in A> {
  /** Calls a Java async function and awaits the stage it returns: no suspend lambda per item. */
  class Stage<A>(@JvmField val fn: (A) -> CompletionStage<*>?) : ItemCall<A>()

  /** Calls a suspend function returning a value or a [Failed]. */
  class Suspending<A>(@JvmField val fn: suspend (A) -> Any?) : ItemCall<A>()

  /** Calls a Kotlin transform directly; what it throws (but cancellation) becomes a [Failed]. */
  class Transform<A>(@JvmField val fn: suspend (A) -> Any?) : ItemCall<A>()
}
