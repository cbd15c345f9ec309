// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.micrometer;

import io.micrometer.context.ThreadLocalAccessor;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The current OpenTelemetry {@link Context} as a {@link ThreadLocalAccessor}: setting a value makes it current
 * and keeps the scope, restoring closes the latest scope, so OpenTelemetry sees properly nested scopes. What a
 * user of OpenTelemetry without Micrometer Tracing registers; here for the tests (docs/observability.md shows it).
 */
final class OpenTelemetryAccessor implements ThreadLocalAccessor<Context> {
  private static final ThreadLocal<Deque<Scope>> SCOPES = ThreadLocal.withInitial(ArrayDeque::new);

  @Override
  public Object key() {
    return "opentelemetry.context";
  }

  @Override
  public Context getValue() {
    Context current = Context.current();
    return current == Context.root() ? null : current;
  }

  @Override
  public void setValue(Context value) {
    SCOPES.get().push(value.makeCurrent());
  }

  @Override
  public void setValue() {
    SCOPES.get().push(Context.root().makeCurrent());
  }

  @Override
  public void restore(Context previousValue) {
    closeLatest();
  }

  @Override
  public void restore() {
    closeLatest();
  }

  private static void closeLatest() {
    Scope scope = SCOPES.get().poll();
    if (scope != null) scope.close();
  }
}
