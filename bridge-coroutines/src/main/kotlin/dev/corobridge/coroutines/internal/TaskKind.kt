// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

/**
 * What kind of task [Engine.submitTask] starts, which decides how: whether its failure is reported as uncaught,
 * whether its body hops off the submitter's thread first, whether it belongs to a unit of work in flight, and
 * whether it runs blocking code.
 */
internal enum class TaskKind(
  /** Fire-and-forget (`spawn`): a failure nobody waits for goes to the uncaught-error handler. */
  @JvmField val spawned: Boolean,
  /** An async body, moved off the submitter's thread with one dispatch before it runs. */
  @JvmField val hop: Boolean,
  /**
   * An item of a unit of work still in flight (a `mapIter` stream): admitted even after a graceful shutdown (see
   * [Engine.enterWithin]) and started dispatched, because its caller is the stream's consumer, which goes on to
   * wait for its oldest item.
   */
  @JvmField val withinUnit: Boolean,
  /** Its body calls blocking code on a blocking thread, which needs no hop (told to the listeners). */
  @JvmField val blocking: Boolean,
) {
  /** `submit` of an async task, or a Kotlin body run as one. */
  ASYNC(spawned = false, hop = true, withinUnit = false, blocking = false),

  /** `spawn`: an async task nobody waits for. */
  SPAWNED(spawned = true, hop = true, withinUnit = false, blocking = false),

  /** `submitBlocking`. */
  BLOCKING(spawned = false, hop = false, withinUnit = false, blocking = true),

  /** An item of a `mapIter` stream. */
  STREAM_ITEM(spawned = false, hop = false, withinUnit = true, blocking = false),
}
