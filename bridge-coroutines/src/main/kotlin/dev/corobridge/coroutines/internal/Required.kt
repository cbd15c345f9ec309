// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.coroutines.internal

import kotlin.contracts.ExperimentalContracts
import kotlin.contracts.contract

/**
 * [value], or a [NullPointerException] naming the parameter in the library's words (the same as
 * `Checks.notNull`). The Java API's parameters are declared nullable in Kotlin, so that a null from Java
 * meets this check, not the compiler's generated one ("Parameter specified as non-null is null").
 */
@OptIn(ExperimentalContracts::class)
internal fun <T : Any> required(value: T?, name: String): T {
  contract { returns() implies (value != null) }
  return value ?: throw NullPointerException("$name must not be null")
}
