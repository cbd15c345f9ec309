// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.apicheck

import java.io.File
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** Every Java and Kotlin source file of the repository states its license in its first line. */
class SourceHeaderTest {
  private val root = File(System.getProperty("api.root") ?: "..").canonicalFile

  @Test
  fun `every source file starts with the SPDX license identifier`() {
    val missing = root.walkTopDown()
      .onEnter { it.name != "target" && !it.name.startsWith(".") }
      .filter { it.isFile && (it.extension == "java" || it.extension == "kt") }
      .filter { it.useLines { lines -> lines.firstOrNull() } != HEADER }
      .map { it.relativeTo(root).path }
      .sorted()
      .toList()
    assertEquals(emptyList<String>(), missing, "files without \"$HEADER\" as their first line")
  }

  private companion object {
    const val HEADER = "// SPDX-License-Identifier: Apache-2.0"
  }
}
