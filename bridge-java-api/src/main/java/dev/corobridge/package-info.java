// SPDX-License-Identifier: Apache-2.0
/**
 * Corobridge's contract: {@link dev.corobridge.AsyncExecutor}, which runs async and blocking tasks with
 * bounded workers, lanes, semaphores, retries and timeouts, its options and results, and the structured
 * scopes ({@link dev.corobridge.TaskScope}) that bind work started inside work to it.
 *
 * <p>Every type in this package is null-marked: a parameter, result or type argument admits {@code null}
 * only where it is annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.corobridge;

import org.jspecify.annotations.NullMarked;
