// SPDX-License-Identifier: Apache-2.0
/**
 * Spring integration: an {@link dev.corobridge.AsyncExecutor} as Spring's task executor, and intent scopes bound
 * to Spring transactions ({@link dev.corobridge.spring.TransactionIntents}) and to web requests.
 *
 * <p>Every type in this package is null-marked: a parameter, result or type argument admits {@code null}
 * only where it is annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.corobridge.spring;

import org.jspecify.annotations.NullMarked;
