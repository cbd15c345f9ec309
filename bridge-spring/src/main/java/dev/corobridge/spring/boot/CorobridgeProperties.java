// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spring.boot;

import dev.corobridge.intent.FlushMode;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.jspecify.annotations.Nullable;

/**
 * The {@code corobridge.*} settings of a Spring Boot application.
 *
 * <pre>
 * corobridge.executor.max-workers=16           # the AsyncExecutor bean, unless the application defines one
 * corobridge.intents.executor=async-executor   # synchronous (default), async-executor, dry-run, or a class name
 * corobridge.intents.flush-mode=robust         # fail-fast or robust; unset: each scope's default
 * corobridge.intents.default-scope=transaction # transaction (default), plain, or a class name
 * corobridge.intents.request-scope.enabled=true
 * </pre>
 */
@ConfigurationProperties("corobridge")
public class CorobridgeProperties {
  private final Executor executor = new Executor();
  private final Intents intents = new Intents();

  /** Creates the settings with their defaults. */
  public CorobridgeProperties() {}

  /**
   * The {@code corobridge.executor.*} settings.
   *
   * @return the executor's settings
   */
  public Executor getExecutor() {
    return executor;
  }

  /**
   * The {@code corobridge.intents.*} settings.
   *
   * @return the intents' settings
   */
  public Intents getIntents() {
    return intents;
  }

  /** The {@code AsyncExecutor} bean made when the application defines none. */
  public static class Executor {
    private boolean enabled = true;
    private String name = "corobridge";
    private int maxWorkers = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());

    /** Creates the settings with their defaults. */
    public Executor() {}

    /**
     * Whether to make an {@code AsyncExecutor} bean when the application defines none; true by default.
     *
     * @return whether the bean is made
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets {@link #isEnabled()}.
     *
     * @param enabled whether the bean is made
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * The executor's name, which its threads and messages carry; {@code corobridge} by default.
     *
     * @return the name
     */
    public String getName() {
      return name;
    }

    /**
     * Sets {@link #getName()}.
     *
     * @param name the name
     */
    public void setName(String name) {
      this.name = name;
    }

    /**
     * How many tasks run at once at most; by default twice the processors, at least 8.
     *
     * @return the most workers
     */
    public int getMaxWorkers() {
      return maxWorkers;
    }

    /**
     * Sets {@link #getMaxWorkers()}.
     *
     * @param maxWorkers the most workers, {@code >= 1}
     */
    public void setMaxWorkers(int maxWorkers) {
      this.maxWorkers = maxWorkers;
    }
  }

  /** How intents are dispatched, and which scopes the application gets. */
  public static class Intents {
    private String executor = "synchronous";
    private @Nullable String policy;
    private @Nullable FlushMode flushMode;
    private String defaultScope = "transaction";
    private boolean bindTransactions = true;
    private final RequestScope requestScope = new RequestScope();

    /** Creates the settings with their defaults. */
    public Intents() {}

    /**
     * The intent executor: {@code synchronous} (the default), {@code async-executor} (tasks of the
     * {@code AsyncExecutor} bean), {@code dry-run}, or the name of an {@code IntentExecutor} class. An
     * {@code IntentExecutor} bean wins over this setting.
     *
     * @return the executor setting
     */
    public String getExecutor() {
      return executor;
    }

    /**
     * Sets {@link #getExecutor()}.
     *
     * @param executor the executor setting
     */
    public void setExecutor(String executor) {
      this.executor = executor;
    }

    /**
     * The name of an {@code IntentPolicy} class every scope applies, or {@code null} for none. An
     * {@code IntentPolicy} bean wins over this setting.
     *
     * @return the policy's class name, or {@code null}
     */
    public @Nullable String getPolicy() {
      return policy;
    }

    /**
     * Sets {@link #getPolicy()}.
     *
     * @param policy the policy's class name
     */
    public void setPolicy(@Nullable String policy) {
      this.policy = policy;
    }

    /**
     * What a failed dispatch does to the rest of a flush, or {@code null} for each scope's default.
     *
     * @return the flush mode, or {@code null}
     */
    public @Nullable FlushMode getFlushMode() {
      return flushMode;
    }

    /**
     * Sets {@link #getFlushMode()}.
     *
     * @param flushMode the flush mode
     */
    public void setFlushMode(@Nullable FlushMode flushMode) {
      this.flushMode = flushMode;
    }

    /**
     * The scopes {@code Airlock.scope()} opens: {@code transaction} (the default:
     * {@code TransactionIntentScope}, dispatching after the surrounding transaction commits), {@code plain},
     * or the name of an {@code IntentScope} subclass.
     *
     * @return the default scope setting
     */
    public String getDefaultScope() {
      return defaultScope;
    }

    /**
     * Sets {@link #getDefaultScope()}.
     *
     * @param defaultScope the default scope setting
     */
    public void setDefaultScope(String defaultScope) {
      this.defaultScope = defaultScope;
    }

    /**
     * Whether every transaction the application's transaction manager begins gets an intent scope
     * ({@code IntentTransactionListener}); true by default.
     *
     * @return whether transactions are bound
     */
    public boolean isBindTransactions() {
      return bindTransactions;
    }

    /**
     * Sets {@link #isBindTransactions()}.
     *
     * @param bindTransactions whether transactions are bound
     */
    public void setBindTransactions(boolean bindTransactions) {
      this.bindTransactions = bindTransactions;
    }

    /**
     * The {@code corobridge.intents.request-scope.*} settings.
     *
     * @return the request scope's settings
     */
    public RequestScope getRequestScope() {
      return requestScope;
    }
  }

  /** A scope per HTTP request of a servlet web application ({@code IntentRequestFilter}). */
  public static class RequestScope {
    private boolean enabled = true;
    private int flushBelowStatus = 400;

    /** Creates the settings with their defaults. */
    public RequestScope() {}

    /**
     * Whether each request gets an intent scope; true by default.
     *
     * @return whether requests get scopes
     */
    public boolean isEnabled() {
      return enabled;
    }

    /**
     * Sets {@link #isEnabled()}.
     *
     * @param enabled whether requests get scopes
     */
    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    /**
     * A request's intents are dispatched when its response status is below this; 400 by default.
     *
     * @return the first status that drops the intents
     */
    public int getFlushBelowStatus() {
      return flushBelowStatus;
    }

    /**
     * Sets {@link #getFlushBelowStatus()}.
     *
     * @param flushBelowStatus the first status that drops the intents
     */
    public void setFlushBelowStatus(int flushBelowStatus) {
      this.flushBelowStatus = flushBelowStatus;
    }
  }
}
