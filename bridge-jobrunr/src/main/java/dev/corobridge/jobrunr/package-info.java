// SPDX-License-Identifier: Apache-2.0
/**
 * Distributed intents on JobRunr: {@link dev.corobridge.jobrunr.JobRunrIntentExecutor} enqueues each intent as a
 * job request after the scope ends well, and {@link dev.corobridge.jobrunr.JobRunrIntentWorker} runs them on an
 * {@link dev.corobridge.AsyncExecutor}.
 *
 * <p>Every type in this package is null-marked: a parameter, result or type argument admits {@code null}
 * only where it is annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.corobridge.jobrunr;

import org.jspecify.annotations.NullMarked;
