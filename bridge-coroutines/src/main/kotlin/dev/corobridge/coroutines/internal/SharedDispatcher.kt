// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import java.lang.reflect.Method

/**
 * Tells whether the calling thread is running [kotlinx.coroutines.Dispatchers.Default] work: a worker of
 * kotlinx.coroutines' shared scheduler that holds a CPU permit (a worker lent to `Dispatchers.IO` does
 * not). Parking such a thread in a blocking wait starves every coroutine of the JVM that runs on
 * `Dispatchers.Default`, every coroutine executor included, so the engine refuses to. kotlinx.coroutines
 * has the check (`mayNotBlock`) but does not publish it; it is looked up once, and if a future version
 * drops it the check answers false rather than refusing legitimate waits.
 */
internal object SharedDispatcher {
  private val mayNotBlock: Method? = try {
    Class.forName("kotlinx.coroutines.scheduling.CoroutineSchedulerKt")
      .getMethod("mayNotBlock", Thread::class.java)
      .takeIf { it.returnType == Boolean::class.javaPrimitiveType }
  } catch (e: ReflectiveOperationException) {
    null
  } catch (e: LinkageError) {
    null
  }

  private const val WORKER_CLASS = "kotlinx.coroutines.scheduling.CoroutineScheduler\$Worker"

  /** Whether the calling thread runs `Dispatchers.Default` work and must not park. */
  fun isAsyncThread(): Boolean {
    val thread = Thread.currentThread()
    if (thread.javaClass.name != WORKER_CLASS) return false
    val check = mayNotBlock ?: return false
    return try {
      check.invoke(null, thread) as Boolean
    } catch (e: ReflectiveOperationException) {
      false
    }
  }
}
