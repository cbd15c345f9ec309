// SPDX-License-Identifier: Apache-2.0
package dev.corobridge;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link RetryPolicy}'s listeners are told about an attempt that did not succeed: its number, how
 * it ended, and, for {@link RetryPolicy#onRetry}, the wait chosen before the next attempt.
 *
 * @param attempt the number of the attempt that ended, from 1
 * @param failure the exception the attempt failed with, or {@code null} if it returned a {@linkplain
 *                RetryPolicy#retryIfResult result the policy retries}
 * @param result  the value the attempt returned, when {@code failure} is null (it may be null itself)
 * @param delay   the wait before the next attempt, jitter and cap applied; {@link Duration#ZERO} for
 *                {@link RetryPolicy#onFailure}, after which no attempt follows
 */
public record RetryEvent(int attempt, @Nullable Throwable failure, @Nullable Object result, Duration delay) {}
