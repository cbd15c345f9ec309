// SPDX-License-Identifier: Apache-2.0
/**
 * An {@link dev.corobridge.AsyncExecutor}'s metrics in a Micrometer {@code MeterRegistry}
 * ({@link dev.corobridge.micrometer.ExecutorMetrics}), named and tagged as Micrometer's
 * {@code ExecutorServiceMetrics} names a thread pool's.
 *
 * <p>Every type in this package is null-marked: a parameter, result or type argument admits {@code null}
 * only where it is annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.corobridge.micrometer;

import org.jspecify.annotations.NullMarked;
