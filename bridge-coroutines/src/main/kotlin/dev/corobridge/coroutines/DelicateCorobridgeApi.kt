// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines

/**
 * Marks API that is easy to misuse: work it starts belongs to the executor rather than to the caller, the way
 * [kotlinx.coroutines.GlobalScope] work belongs to nobody. It is not cancelled with the caller, the caller does
 * not wait for it, and a failure of `launch` reaches only the executor's `onUncaughtError` handler. Prefer
 * [scope] (or [withAsyncExecutor]) and the structured `async`/`launch` of its [ExecutorScope]; opt in with
 * `@OptIn(DelicateCorobridgeApi::class)` where fire-and-forget is what you mean.
 *
 * Opting in is a warning, not an error, as with kotlinx's `DelicateCoroutinesApi`.
 */
@MustBeDocumented
@Retention(AnnotationRetention.BINARY)
@Target(AnnotationTarget.CLASS, AnnotationTarget.FUNCTION, AnnotationTarget.PROPERTY)
@RequiresOptIn(
  level = RequiresOptIn.Level.WARNING,
  message = "This starts work owned by the executor, not by the caller: it is not cancelled with the caller and " +
    "nobody waits for it. Prefer executor.scope { async { } }; opt in with @OptIn(DelicateCorobridgeApi::class) " +
    "where fire-and-forget is meant.",
)
public annotation class DelicateCorobridgeApi
