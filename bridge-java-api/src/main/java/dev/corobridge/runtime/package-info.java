// SPDX-License-Identifier: Apache-2.0
/**
 * Runtimes that need no engine beyond the JDK: the bounded {@link dev.corobridge.runtime.FallbackRuntime}
 * that {@link dev.corobridge.AsyncExecutor#create} returns when {@code bridge-coroutines} is not on the
 * class path, {@link dev.corobridge.runtime.ExecutorRuntime} over a caller's own
 * {@link java.util.concurrent.Executor}, and {@link dev.corobridge.runtime.ManualExecutor}, a
 * cooperative executor with virtual time for tests. All of them pass the same contract tests as the
 * coroutine engine.
 */
package dev.corobridge.runtime;
