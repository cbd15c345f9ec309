// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import dev.corobridge.AsyncExecutor;
import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import dev.corobridge.spring.AsyncExecutorTaskExecutor;
import dev.corobridge.spring.IntentTransactionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deferred side effects bound to a database transaction, in a Spring application over an in-process H2
 * database: a {@code @Transactional} sign-up service enqueues a welcome mail and an audit entry as intents, with
 * no scope to open (an {@link IntentTransactionListener} binds one to each transaction). They are dispatched
 * only after the transaction commits; a sign-up whose insert fails (the address is taken) rolls back, and its
 * mail is dropped although it was enqueued before the failure. The shared executor is also the application's
 * {@code TaskExecutor}.
 */
public final class SpringSignupGuide {
  private final AsyncExecutor executor;

  /** A guide whose application uses {@code executor} as its task executor. */
  public SpringSignupGuide(AsyncExecutor executor) {
    this.executor = executor;
  }

  /** What the mail server received, in order. */
  public static final class Outbox {
    final List<String> sent = new CopyOnWriteArrayList<>();

    void send(String to, String text) {
      sent.add(to + ": " + text);
    }
  }

  /** The application's service: one transaction per sign-up. */
  public static class Accounts {
    private final JdbcTemplate jdbc;
    private final Outbox outbox;

    /** Accounts stored in {@code database}, mails sent to {@code outbox}. */
    public Accounts(DataSource database, Outbox outbox) {
      this.jdbc = new JdbcTemplate(database);
      this.outbox = outbox;
      jdbc.execute("create table accounts (email varchar(200) primary key)");
    }

    /** Signs {@code email} up: mails are enqueued, and leave only if the insert commits. */
    @Transactional
    public void signUp(String email) {
      Airlock.enqueue(Intent.of("welcomeMail", intent -> outbox.send(email, "Welcome!")).build());
      jdbc.update("insert into accounts (email) values (?)", email); // a taken address fails here: rollback
      Airlock.enqueue(Intent.of("audit", intent -> outbox.send("audit@example.org", "new account " + email)).build());
    }

    /** How many accounts exist. */
    public int count() {
      return jdbc.queryForObject("select count(*) from accounts", Integer.class);
    }
  }

  /** The Spring configuration: H2 in-process, a transaction manager that binds an intent scope to each transaction. */
  @Configuration
  @EnableTransactionManagement
  static class Application {
    @Bean(destroyMethod = "shutdown")
    DataSource dataSource() {
      return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build();
    }

    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource) {
      DataSourceTransactionManager manager = new DataSourceTransactionManager(dataSource);
      manager.addListener(new IntentTransactionListener());
      return manager;
    }

    @Bean
    Outbox outbox() {
      return new Outbox();
    }

    @Bean
    Accounts accounts(DataSource dataSource, Outbox outbox) {
      return new Accounts(dataSource, outbox);
    }
  }

  /** Signs the same address up twice: the first commits and mails, the second rolls back and mails nothing. */
  public List<String> run() {
    try (var context = new AnnotationConfigApplicationContext()) {
      context.registerBean("taskExecutor", AsyncExecutorTaskExecutor.class, () -> new AsyncExecutorTaskExecutor(executor));
      context.register(Application.class);
      context.refresh();
      Accounts accounts = context.getBean(Accounts.class);
      Outbox outbox = context.getBean(Outbox.class);
      accounts.signUp("ada@example.org");
      Progress.line("java", "spring", "committed, outbox " + outbox.sent);
      try {
        accounts.signUp("ada@example.org");
      } catch (DuplicateKeyException taken) {
        Progress.line("java", "spring", "rolled back (address taken), outbox still " + outbox.sent
            + ", accounts " + accounts.count());
      }
      return List.copyOf(outbox.sent);
    }
  }
}
