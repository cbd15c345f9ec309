// SPDX-License-Identifier: Apache-2.0
/**
 * Async components: async-first interfaces with sync adapters ({@link dev.corobridge.component.AsyncComponent},
 * {@link dev.corobridge.component.SyncComponent}), the runner that mixes both, and the safe hand-off of
 * thread-unsafe values between threads ({@link dev.corobridge.component.ThreadHandoff}).
 *
 * <p>Every type in this package is null-marked: a parameter, result or type argument admits {@code null}
 * only where it is annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.corobridge.component;

import org.jspecify.annotations.NullMarked;
