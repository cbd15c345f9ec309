package dev.corobridge.coroutines.internal

import java.util.concurrent.ThreadFactory
import java.util.concurrent.atomic.AtomicInteger

/** Names an executor's blocking threads `<executor>-blocking-<n>`; daemons, so they never hold the JVM up. */
internal class BlockingThreadFactory(private val executorName: String) : ThreadFactory {
  private val count = AtomicInteger()

  override fun newThread(task: Runnable): Thread =
    Thread(task, "$executorName-blocking-${count.incrementAndGet()}").apply { isDaemon = true }
}
