// SPDX-License-Identifier: Apache-2.0
/**
 * Deferred intents: side effects buffered in an {@link dev.corobridge.intent.IntentScope} and dispatched
 * through an {@link dev.corobridge.intent.IntentExecutor} only when the scope ends well; policies that
 * decide what a scope may do, and the codec that turns an intent into data for a durable executor.
 *
 * <p>Every type in this package is null-marked: a parameter, result or type argument admits {@code null}
 * only where it is annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.corobridge.intent;

import org.jspecify.annotations.NullMarked;
