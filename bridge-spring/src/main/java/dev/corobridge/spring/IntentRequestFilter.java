// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spring;

import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.IntentScope;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Objects;
import java.util.function.IntPredicate;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives each HTTP request an intent scope, as airlock's middleware does for Django: intents enqueued while
 * the request is handled are dispatched when it ends well (the handler did not throw and the response status
 * is a success, below 400 by default) and dropped otherwise, so a request that fails sends no mail.
 *
 * <p>The scope is {@link Airlock#scope()}, so the application's default scope class applies. Intents enqueued
 * inside a transaction that {@link IntentTransactionListener} bound a scope to follow that transaction, not the
 * request (those scopes are not nested in the request's, see {@link TransactionIntents}): what a transaction
 * commits is dispatched at its commit even if the request fails afterwards, and what it rolls back never is.
 * The request's own intents are dispatched after the handler returned, before the filter does; a failed dispatch is thrown from the filter
 * ({@link dev.corobridge.intent.IntentDispatchException}) and logged by the container, the response having
 * been written. For an asynchronous request the scope covers the handling on the request's first thread.
 *
 * <p>With Spring Boot, {@code CorobridgeIntentsAutoConfiguration} registers it for every request of a servlet
 * web application ({@code corobridge.intents.request-scope.enabled=false} turns that off); otherwise
 * register it as any servlet filter.
 */
public class IntentRequestFilter extends OncePerRequestFilter {
  private final IntPredicate flushesOnStatus;

  /** A filter that dispatches the intents of requests that end with a status below 400. */
  public IntentRequestFilter() {
    this(status -> status < 400);
  }

  /**
   * A filter that dispatches the intents of requests whose response status passes {@code flushesOnStatus}.
   *
   * @param flushesOnStatus whether a request that ended with this status (and no exception) dispatches its intents
   * @throws NullPointerException if {@code flushesOnStatus} is null
   */
  public IntentRequestFilter(IntPredicate flushesOnStatus) {
    this.flushesOnStatus = Objects.requireNonNull(flushesOnStatus, "flushesOnStatus");
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    IntentScope scope = Airlock.scope();
    Throwable failure = null;
    try {
      chain.doFilter(request, response);
    } catch (ServletException | IOException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      if (failure == null && flushesOnStatus.test(response.getStatus())) scope.complete();
      scope.close(failure);
    }
  }
}
