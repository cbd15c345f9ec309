// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spring.boot;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.IntentExecutor;
import dev.corobridge.intent.IntentExecutors;
import dev.corobridge.intent.IntentPolicy;
import dev.corobridge.spring.TransactionIntentScope;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * Applies the {@code corobridge.intents.*} settings to {@link Airlock}'s process-wide defaults as the
 * application context starts, and forgets them as it closes. A bad setting fails the start, naming it.
 */
public final class AirlockDefaults implements InitializingBean, DisposableBean {
  private final CorobridgeProperties.Intents settings;
  private final IntentExecutor executorBean;
  private final IntentPolicy policyBean;
  private final Supplier<AsyncExecutor> asyncExecutor;

  AirlockDefaults(CorobridgeProperties.Intents settings, IntentExecutor executorBean, IntentPolicy policyBean,
                  Supplier<AsyncExecutor> asyncExecutor) {
    this.settings = settings;
    this.executorBean = executorBean;
    this.policyBean = policyBean;
    this.asyncExecutor = asyncExecutor;
  }

  @Override
  public void afterPropertiesSet() {
    Map<String, String> byClassName = new HashMap<>();
    IntentExecutor executor = executorBean != null ? executorBean : executor(settings.getExecutor(), byClassName);
    String scope = settings.getDefaultScope() == null ? "transaction" : settings.getDefaultScope().trim();
    boolean transactionScopes = scope.equalsIgnoreCase("transaction");
    boolean plainScopes = scope.equalsIgnoreCase("plain");
    if (!transactionScopes && !plainScopes) byClassName.put("scope", scope);
    if (policyBean == null && settings.getPolicy() != null) byClassName.put("policy", settings.getPolicy().trim());
    Airlock.configure(byClassName); // checks every class before setting anything
    Airlock.configure(executor, policyBean, settings.getFlushMode());
    if (transactionScopes) Airlock.configureScopes(TransactionIntentScope::new);
    if (plainScopes) Airlock.configureScopes(null);
  }

  private IntentExecutor executor(String setting, Map<String, String> byClassName) {
    String value = setting == null ? "synchronous" : setting.trim();
    switch (value.toLowerCase(Locale.ROOT)) {
      case "synchronous":
        return IntentExecutors.synchronous();
      case "dry-run":
        return IntentExecutors.dryRun();
      case "async-executor":
        AsyncExecutor executor = asyncExecutor.get();
        if (executor == null) {
          throw new IllegalStateException("corobridge.intents.executor=async-executor needs one AsyncExecutor bean; "
              + "there is none (corobridge.executor.enabled=false?) or there are several");
        }
        return IntentExecutors.on(executor);
      default:
        byClassName.put("executor", value);
        return null;
    }
  }

  @Override
  public void destroy() {
    Airlock.resetConfiguration();
  }

  @Override
  public String toString() {
    return "AirlockDefaults[executor=" + settings.getExecutor() + ", default-scope=" + settings.getDefaultScope() + "]";
  }
}
