// SPDX-License-Identifier: Apache-2.0
/**
 * The runtime SPI: how a runtime is found ({@link dev.corobridge.spi.AsyncExecutorProvider}), configured
 * ({@link dev.corobridge.spi.ExecutorConfig}) and registered, and how thread-bound context follows the work
 * ({@link dev.corobridge.spi.ContextPropagator}).
 *
 * <p>Every type in this package is null-marked: a parameter, result or type argument admits {@code null}
 * only where it is annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.corobridge.spi;

import org.jspecify.annotations.NullMarked;
