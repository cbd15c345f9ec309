// SPDX-License-Identifier: Apache-2.0
/**
 * Runtimes that need no engine beyond the JDK: the bounded {@link dev.corobridge.runtime.FallbackRuntime}
 * that {@link dev.corobridge.AsyncExecutor#create} returns when {@code bridge-coroutines} is not on the
 * class path, {@link dev.corobridge.runtime.ExecutorRuntime} over a caller's own
 * {@link java.util.concurrent.Executor}, and {@link dev.corobridge.runtime.ManualExecutor}, a
 * cooperative executor with virtual time for tests. All of them pass the same contract tests as the
 * coroutine engine.
 *
 * <p>Every type in this package is null-marked: a parameter, result or type argument admits {@code null}
 * only where it is annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.corobridge.runtime;

import org.jspecify.annotations.NullMarked;
