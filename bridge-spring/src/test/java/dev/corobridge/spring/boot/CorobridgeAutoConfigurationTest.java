// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spring.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.FlushMode;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentExecutor;
import dev.corobridge.intent.IntentScope;
import dev.corobridge.spring.AsyncExecutorTaskExecutor;
import dev.corobridge.spring.IntentRequestFilter;
import dev.corobridge.spring.IntentTransactionListener;
import dev.corobridge.spring.TransactionIntentScope;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionManagerCustomizationAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Service;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.WebApplicationContext;

/** The Boot auto-configuration: beans, settings, transactions and requests, in real application contexts. */
class CorobridgeAutoConfigurationTest {
  static final List<String> SENT = new CopyOnWriteArrayList<>();

  private static final AutoConfigurations JDBC = AutoConfigurations.of(DataSourceAutoConfiguration.class,
      DataSourceTransactionManagerAutoConfiguration.class, TransactionManagerCustomizationAutoConfiguration.class,
      TransactionAutoConfiguration.class, JdbcTemplateAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
      CorobridgeAutoConfiguration.class);

  private final ApplicationContextRunner app = new ApplicationContextRunner().withConfiguration(JDBC)
      .withPropertyValues("spring.datasource.generate-unique-name=true", "spring.sql.init.mode=never");

  @AfterEach
  void clear() {
    SENT.clear();
    Airlock.resetConfiguration();
  }

  /** Signs users up in a transaction; mails them through an intent. */
  @Service
  public static class Signups {
    private final JdbcTemplate jdbc;

    public Signups(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @Transactional
    public void signup(String email) {
      jdbc.execute("create table if not exists users (email varchar(100) primary key)");
      jdbc.update("insert into users values (?)", email);
      Airlock.enqueue(Intent.of("welcomeMail", intent -> SENT.add("welcome " + intent.arg(0))).args(email).build());
      if (email.endsWith("@invalid")) throw new IllegalArgumentException("invalid address " + email);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class SignupApplication {
    @Bean
    Signups signups(JdbcTemplate jdbc) {
      return new Signups(jdbc);
    }
  }

  @Test
  void withNoSettingsTheApplicationGetsAnExecutorATaskExecutorAndTransactionBoundIntents() {
    app.withUserConfiguration(SignupApplication.class).run(context -> {
      AsyncExecutor executor = context.getBean(AsyncExecutor.class);
      assertTrue(executor.toString().contains("corobridge"), executor.toString());
      assertSame(executor, context.getBean(AsyncExecutorTaskExecutor.class).executor());
      assertEquals(1, context.getBeansOfType(IntentTransactionListener.class).size());
      Signups signups = context.getBean(Signups.class);
      signups.signup("a@b");
      try {
        signups.signup("c@invalid");
      } catch (IllegalArgumentException expected) {
        // rolled back
      }
      assertEquals(List.of("welcome a@b"), SENT, "dispatched after commit, dropped on rollback");
      try (IntentScope scope = Airlock.scope()) {
        assertInstanceOf(TransactionIntentScope.class, scope, "the default scope class is transaction-bound");
      }
    });
  }

  @Test
  void closingTheContextClosesTheExecutorItMadeAndForgetsTheIntentSettings() {
    AsyncExecutor[] executor = new AsyncExecutor[1];
    app.withPropertyValues("corobridge.intents.flush-mode=robust", "corobridge.intents.default-scope=plain").run(context -> {
      executor[0] = context.getBean(AsyncExecutor.class);
      try (IntentScope scope = Airlock.scope()) {
        assertEquals(IntentScope.class, scope.getClass());
        assertEquals(FlushMode.ROBUST, scope.flushMode());
      }
    });
    assertTrue(executor[0].isTerminated());
    try (IntentScope scope = Airlock.scope()) {
      assertEquals(FlushMode.FAIL_FAST, scope.flushMode(), "the settings left with the context");
    }
  }

  @Test
  void theExecutorSettingsShapeTheExecutorAndTheIntentsCanRunOnIt() {
    app.withUserConfiguration(SignupApplication.class)
        .withPropertyValues("corobridge.executor.name=mailer", "corobridge.executor.max-workers=3", "corobridge.intents.executor=async-executor")
        .run(context -> {
          AsyncExecutor executor = context.getBean(AsyncExecutor.class);
          assertTrue(executor.toString().startsWith("mailer") || executor.toString().contains("mailer"), executor.toString());
          CompletableFuture<String> ranOn = new CompletableFuture<>();
          try (IntentScope scope = Airlock.scope()) {
            Airlock.enqueue(Intent.of("where", intent -> ranOn.complete(Thread.currentThread().getName())).build());
            scope.complete();
          }
          assertTrue(ranOn.get(20, TimeUnit.SECONDS).startsWith("mailer"), ranOn.join());
        });
  }

  @Test
  void anApplicationsOwnBeansWinOverTheSettings() {
    IntentExecutor mine = intent -> SENT.add("mine " + intent.name());
    app.withBean(IntentExecutor.class, () -> mine).withBean("myExecutor", AsyncExecutor.class, () -> AsyncExecutor.create(2))
        .withPropertyValues("corobridge.intents.executor=dry-run").run(context -> {
          assertEquals(1, context.getBeansOfType(AsyncExecutor.class).size(), "no second executor");
          try (IntentScope scope = Airlock.scope()) {
            Airlock.enqueue("ping");
            scope.complete();
          }
          assertEquals(List.of("mine ping"), SENT);
        });
  }

  @Test
  void aBadSettingFailsTheStartNamingIt() {
    app.withPropertyValues("corobridge.intents.executor=com.example.NoSuchExecutor").run(context -> {
      assertTrue(context.getStartupFailure() != null);
      assertTrue(rootMessage(context.getStartupFailure()).contains("com.example.NoSuchExecutor"), rootMessage(context.getStartupFailure()));
    });
    app.withPropertyValues("corobridge.executor.enabled=false", "corobridge.intents.executor=async-executor").run(context -> {
      assertTrue(rootMessage(context.getStartupFailure()).contains("needs one AsyncExecutor bean"), rootMessage(context.getStartupFailure()));
    });
  }

  private static String rootMessage(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) cause = cause.getCause();
    return cause.getMessage();
  }

  @Test
  void switchesTurnTheTransactionListenerTheExecutorAndTheRequestScopeOff() {
    app.withPropertyValues("corobridge.intents.bind-transactions=false", "corobridge.executor.enabled=false").run(context -> {
      assertFalse(context.containsBean("corobridgeIntentTransactionListener"));
      assertTrue(context.getBeansOfType(AsyncExecutor.class).isEmpty());
      assertTrue(context.getBeansOfType(AsyncExecutorTaskExecutor.class).isEmpty());
    });
    new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(CorobridgeAutoConfiguration.class))
        .withPropertyValues("corobridge.intents.request-scope.enabled=false")
        .run(context -> assertTrue(context.getBeansOfType(FilterRegistrationBean.class).isEmpty()));
    app.run(context -> assertTrue(context.getBeansOfType(FilterRegistrationBean.class).isEmpty(), "not a web application"));
  }

  /** {@code @Async} methods run on the executor. */
  @Configuration(proxyBeanMethods = false)
  @EnableAsync
  static class AsyncApplication {
    @Bean
    Reports reports() {
      return new Reports();
    }
  }

  /** Renders reports in the background. */
  public static class Reports {
    @Async
    public CompletableFuture<String> render() {
      return CompletableFuture.completedFuture(Thread.currentThread().getName());
    }
  }

  @Test
  void asyncMethodsRunOnTheExecutor() {
    app.withUserConfiguration(AsyncApplication.class).withPropertyValues("corobridge.executor.name=reports").run(context -> {
      String thread = context.getBean(Reports.class).render().get(20, TimeUnit.SECONDS);
      assertTrue(thread.startsWith("reports"), thread);
    });
  }

  /** A web front for the sign-ups, with a request-level intent too. */
  @RestController
  static class SignupController {
    private final Signups signups;

    SignupController(Signups signups) {
      this.signups = signups;
    }

    @PostMapping("/signup")
    ResponseEntity<String> signup(@RequestParam("email") String email) {
      Airlock.enqueue(Intent.of("audit", intent -> SENT.add("audit " + intent.arg(0))).args(email).build());
      try {
        signups.signup(email);
      } catch (IllegalArgumentException invalid) {
        return ResponseEntity.badRequest().body(invalid.getMessage());
      }
      return ResponseEntity.status(201).body("created");
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class WebApplication {
    @Bean
    SignupController signupController(Signups signups) {
      return new SignupController(signups);
    }
  }

  @Test
  void inAWebApplicationARequestsIntentsLeaveOnlyIfTheRequestSucceedsAndTheTransactionCommitted() {
    new WebApplicationContextRunner()
        .withConfiguration(JDBC)
        .withConfiguration(AutoConfigurations.of(WebMvcAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class))
        .withPropertyValues("spring.datasource.generate-unique-name=true", "spring.sql.init.mode=never")
        .withUserConfiguration(SignupApplication.class, WebApplication.class)
        .run(context -> {
          @SuppressWarnings("unchecked")
          FilterRegistrationBean<IntentRequestFilter> registration = context.getBean(FilterRegistrationBean.class);
          MockMvc mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) context).addFilters(registration.getFilter()).build();
          mvc.perform(post("/signup").param("email", "a@b")).andExpect(status().isCreated());
          assertEquals(List.of("welcome a@b", "audit a@b"), SENT, "the transaction's intent leaves at its commit, the request's when the request ends");
          SENT.clear();
          mvc.perform(post("/signup").param("email", "c@invalid")).andExpect(status().isBadRequest());
          assertEquals(List.of(), SENT, "a rolled-back transaction in a failed request sends nothing");
        });
  }
}
