// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples

import dev.corobridge.TaskOptions
import dev.corobridge.coroutines.withAsyncExecutor
import java.net.URI
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.future.await

/**
 * The README's Kotlin quick start, compiled and run as written (`ReadmeTest` checks that the README
 * shows exactly the lines between the markers).
 */
class KotlinQuickStart(private val web: Web, private val urls: List<URI>, private val ids: List<Int>, private val configFile: Path) {
  /** What the quick start published and showed. */
  val out: MutableList<String> = CopyOnWriteArrayList()

  private suspend fun load(id: Int): String = web.text(urls[id % urls.size]).await()
  private fun show(page: String) { out.add("shown ${page.length} chars") }
  private fun buildReport(pages: List<String>): String = "report of ${pages.size} pages"
  private fun publish(report: String) { out.add(report) }

  /** Runs the quick start from a plain thread. */
  fun runBlocking(): Unit = kotlinx.coroutines.runBlocking { run() }

  /** Runs the quick start. */
  suspend fun run() {
    // quick-start:begin
    withAsyncExecutor(maxWorkers = 16, configure = { lane("reports", 2) }) {  // a scope; the executor shuts down on exit
        val pages = map(urls) { url -> web.text(url).await() }                  // input order, fail fast
        mapIter(ids) { id -> load(id) }.take(10).collect(::show)                // cold Flow, lazy, cancels the rest
        val report = async(TaskOptions.builder().lane("reports").build()) { buildReport(pages) }  // a structured child
        val config = callAppropriately { Files.readString(configFile) }         // plain function: blocking worker
        asCompleted(listOf(report)).collect(::publish)
        out.add("config has ${config.length} chars")
    }
    // quick-start:end
  }
}
