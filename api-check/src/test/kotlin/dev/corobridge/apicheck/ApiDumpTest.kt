// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.apicheck

import dev.corobridge.AsyncExecutor
import dev.corobridge.component.AsyncComponent
import dev.corobridge.coroutines.CoroutineAsyncExecutor
import dev.corobridge.dbscheduler.DbSchedulerIntentExecutor
import dev.corobridge.intent.Airlock
import dev.corobridge.jobrunr.JobRunrIntentExecutor
import dev.corobridge.micrometer.ExecutorMetrics
import dev.corobridge.spring.TransactionIntents
import dev.corobridge.tck.AsyncExecutorContract
import dev.corobridge.test.ThreadLeakCheck
import java.io.File
import java.io.InputStream
import java.nio.file.Files
import java.nio.file.Path
import java.util.jar.JarFile
import kotlin.io.path.extension
import kotlin.io.path.readText
import kotlin.io.path.writeText
import kotlinx.validation.api.dump
import kotlinx.validation.api.filterOutNonPublic
import kotlinx.validation.api.loadApiFromJvmClasses
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory

/**
 * The public surface of each published artifact (Java and Kotlin alike, as the Kotlin binary-compatibility
 * validator reads it: internal packages, Kotlin `internal` and synthetic members left out) must equal the dump
 * committed in `<artifact>/api/<artifact>.api`. A change of the API then shows up in review as a change of that
 * file; `-Dapi.dump=true` rewrites the dumps instead of comparing.
 */
class ApiDumpTest {
  private val root = File(System.getProperty("api.root") ?: "..").canonicalFile
  private val rewrite = System.getProperty("api.dump").toBoolean()

  /** Each artifact, found through one class it holds. */
  private val artifacts = linkedMapOf(
    "bridge-java-api" to AsyncExecutor::class.java,
    "bridge-intents" to Airlock::class.java,
    "bridge-components" to AsyncComponent::class.java,
    "bridge-test" to ThreadLeakCheck::class.java,
    "bridge-coroutines" to CoroutineAsyncExecutor::class.java,
    "bridge-tck" to AsyncExecutorContract::class.java,
    "bridge-spring" to TransactionIntents::class.java,
    "bridge-db-scheduler" to DbSchedulerIntentExecutor::class.java,
    "bridge-jobrunr" to JobRunrIntentExecutor::class.java,
    "bridge-micrometer" to ExecutorMetrics::class.java,
  )

  private val nonPublicPackages = listOf("dev.corobridge.internal", "dev.corobridge.coroutines.internal")

  @TestFactory
  fun `every published artifact's public API equals its committed dump`(): List<DynamicTest> =
    artifacts.map { (artifact, member) ->
      dynamicTest(artifact) {
        val actual = dumpOf(member)
        val file = root.resolve("$artifact/api/$artifact.api")
        if (rewrite) {
          file.parentFile.mkdirs()
          file.toPath().writeText(actual)
        } else {
          check(file.isFile) { "no API dump at $file: generate it with -Dapi.dump=true (see CONTRIBUTING.md)" }
          assertEquals(file.toPath().readText(), actual,
            "the public API of $artifact changed: if that is meant, regenerate $file with -Dapi.dump=true and commit it")
        }
      }
    }

  private fun dumpOf(member: Class<*>): String {
    val location = Path.of(member.protectionDomain.codeSource.location.toURI())
    val signatures = if (Files.isDirectory(location)) {
      val classFiles = Files.walk(location).use { paths ->
        paths.filter { it.extension == "class" && it.fileName.toString() != "module-info.class" }.sorted().toList()
      }
      classFiles.asSequence().map<Path, InputStream> { Files.newInputStream(it) }.loadApiFromJvmClasses()
    } else {
      JarFile(location.toFile()).use { it.loadApiFromJvmClasses() }
    }
    return signatures.filterOutNonPublic(nonPublicPackages, emptyList()).dump(StringBuilder()).toString()
  }
}
