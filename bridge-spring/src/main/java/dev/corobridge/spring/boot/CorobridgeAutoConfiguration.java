// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spring.boot;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.IntentExecutor;
import dev.corobridge.intent.IntentPolicy;
import dev.corobridge.spring.AsyncExecutorTaskExecutor;
import dev.corobridge.spring.IntentRequestFilter;
import dev.corobridge.spring.IntentTransactionListener;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.transaction.TransactionExecutionListener;

/**
 * Spring Boot auto-configuration of Corobridge, from the {@code corobridge.*} settings
 * ({@link CorobridgeProperties}):
 * <ul>
 *   <li>an {@link AsyncExecutor} bean, unless the application defines one, closed with the context; and the
 *       executor as Spring's {@code AsyncTaskExecutor} ({@link AsyncExecutorTaskExecutor}), which {@code @Async}
 *       methods then use;</li>
 *   <li>the intents' defaults ({@link Airlock#configure}): the executor, the policy, the flush mode, and the scope
 *       class {@code Airlock.scope()} opens ({@code TransactionIntentScope} by default); forgotten when the
 *       context closes;</li>
 *   <li>an {@link IntentTransactionListener} bean, which Boot adds to its transaction manager, so every
 *       transaction gets a scope whose intents are dispatched after commit;</li>
 *   <li>in a servlet web application, an {@link IntentRequestFilter} for every request.</li>
 * </ul>
 * Registered in {@code META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports}.
 */
@AutoConfiguration(before = {TaskExecutionAutoConfiguration.class, TransactionAutoConfiguration.class})
@ConditionalOnClass(Airlock.class)
@EnableConfigurationProperties(CorobridgeProperties.class)
public class CorobridgeAutoConfiguration {
  /** Created by Spring. */
  public CorobridgeAutoConfiguration() {}

  /**
   * The application's executor, unless it defines one.
   *
   * @param properties the settings
   * @return the executor, closed with the context
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(AsyncExecutor.class)
  @ConditionalOnProperty(prefix = "corobridge.executor", name = "enabled", matchIfMissing = true)
  public AsyncExecutor corobridgeAsyncExecutor(CorobridgeProperties properties) {
    CorobridgeProperties.Executor settings = properties.getExecutor();
    return AsyncExecutor.builder().name(settings.getName()).maxWorkers(settings.getMaxWorkers()).build();
  }

  /**
   * The executor as Spring's {@code AsyncTaskExecutor}, for {@code @Async} methods and anything that takes a
   * {@code TaskExecutor}.
   *
   * @param executor the application's executor
   * @return the task executor
   */
  @Bean
  @ConditionalOnBean(AsyncExecutor.class)
  @ConditionalOnMissingBean(AsyncExecutorTaskExecutor.class)
  public AsyncExecutorTaskExecutor corobridgeTaskExecutor(AsyncExecutor executor) {
    return new AsyncExecutorTaskExecutor(executor);
  }

  /**
   * The intents' defaults, applied as the context starts and forgotten as it closes.
   *
   * @param properties the settings
   * @param executors an {@code IntentExecutor} bean, which wins over {@code corobridge.intents.executor}
   * @param policies an {@code IntentPolicy} bean, which wins over {@code corobridge.intents.policy}
   * @param asyncExecutors the application's executor, for {@code corobridge.intents.executor=async-executor}
   * @return what applies them
   */
  @Bean
  public AirlockDefaults corobridgeAirlockDefaults(CorobridgeProperties properties, ObjectProvider<IntentExecutor> executors,
                                                   ObjectProvider<IntentPolicy> policies, ObjectProvider<AsyncExecutor> asyncExecutors) {
    return new AirlockDefaults(properties.getIntents(), executors.getIfUnique(), policies.getIfUnique(), asyncExecutors::getIfUnique);
  }

  /** Binds an intent scope to every transaction. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(TransactionExecutionListener.class)
  @ConditionalOnProperty(prefix = "corobridge.intents", name = "bind-transactions", matchIfMissing = true)
  static class Transactions {
    @Bean
    @ConditionalOnMissingBean(IntentTransactionListener.class)
    IntentTransactionListener corobridgeIntentTransactionListener() {
      return new IntentTransactionListener();
    }
  }

  /** A scope per HTTP request. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass({IntentRequestFilter.class, FilterRegistrationBean.class})
  @ConditionalOnProperty(prefix = "corobridge.intents.request-scope", name = "enabled", matchIfMissing = true)
  static class RequestScopes {
    @Bean
    @ConditionalOnMissingBean(name = "corobridgeIntentRequestFilter")
    FilterRegistrationBean<IntentRequestFilter> corobridgeIntentRequestFilter(CorobridgeProperties properties) {
      int firstDropping = properties.getIntents().getRequestScope().getFlushBelowStatus();
      FilterRegistrationBean<IntentRequestFilter> registration = new FilterRegistrationBean<>(new IntentRequestFilter(status -> status < firstDropping));
      registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 100); // outside the transactions a request's handler begins
      return registration;
    }
  }
}
