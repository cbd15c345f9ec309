// SPDX-License-Identifier: Apache-2.0
/**
 * Spring Boot auto-configuration of Corobridge: the executor bean, transaction-bound intent scopes, and the
 * {@code corobridge.*} properties ({@link dev.corobridge.spring.boot.CorobridgeProperties}).
 *
 * <p>Every type in this package is null-marked: a parameter, result or type argument admits {@code null}
 * only where it is annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.corobridge.spring.boot;

import org.jspecify.annotations.NullMarked;
