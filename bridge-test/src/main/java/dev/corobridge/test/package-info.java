// SPDX-License-Identifier: Apache-2.0
/**
 * Test support for code that uses Corobridge, with no test framework assumed: a failed check throws
 * {@link java.lang.AssertionError}, which JUnit, TestNG, kotest and Spock all report as a failure.
 *
 * <ul>
 *   <li>{@link dev.corobridge.test.ConcurrencyProbe} counts how many tasks are inside a region at once, to check
 *       that a limit (workers, a lane, a semaphore) holds;
 *   <li>{@link dev.corobridge.test.ThreadLeakCheck} finds threads started during a test and still alive at its end;
 *   <li>{@link dev.corobridge.test.ExecutorChecks} waits until an executor has nothing running or queued and
 *       checks that its counters balance.
 * </ul>
 *
 * <p>The runtime for tests that drive time themselves, {@link dev.corobridge.runtime.ManualExecutor}, keeps its
 * package and lives in {@code bridge-java-api}, which this artifact brings: a package cannot be split across
 * two Java modules, and {@code dev.corobridge.runtime} also holds the JDK-only runtimes.
 */
@NullMarked
package dev.corobridge.test;

import org.jspecify.annotations.NullMarked;
