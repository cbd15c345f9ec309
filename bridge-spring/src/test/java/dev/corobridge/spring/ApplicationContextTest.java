// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/** A real application context: a {@code @Transactional} service enqueues, and its intents wait for the commit. */
class ApplicationContextTest {
  /** What the intents did, shared with the application. */
  static final List<String> SENT = new CopyOnWriteArrayList<>();

  /** The application's service: signs a user up and asks for a welcome mail. */
  public static class SignupService {
    private final JdbcTemplate jdbc;

    public SignupService(JdbcTemplate jdbc) {
      this.jdbc = jdbc;
    }

    @Transactional
    public void signup(String email) {
      jdbc.update("insert into users values (?)", email);
      Airlock.enqueue(Intent.of("welcomeMail", intent -> SENT.add("welcome " + intent.args().get(0))).args(email).build());
      if (email.endsWith("@invalid")) throw new IllegalArgumentException("invalid address " + email);
    }
  }

  @Configuration
  @EnableTransactionManagement
  static class Application {
    @Bean(destroyMethod = "shutdown")
    DataSource dataSource() {
      return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true)
          .addScript("classpath:users.sql").build();
    }

    @Bean
    PlatformTransactionManager transactionManager(DataSource dataSource) {
      DataSourceTransactionManager manager = new DataSourceTransactionManager(dataSource);
      manager.addListener(new IntentTransactionListener());
      return manager;
    }

    @Bean
    SignupService signupService(DataSource dataSource) {
      return new SignupService(new JdbcTemplate(dataSource));
    }
  }

  @Test
  void aTransactionalServicesIntentsAreDispatchedAfterCommitAndDroppedOnRollback() {
    SENT.clear();
    try (var context = new AnnotationConfigApplicationContext(Application.class)) {
      SignupService service = context.getBean(SignupService.class);
      service.signup("a@b");
      assertThrows(IllegalArgumentException.class, () -> service.signup("c@invalid"));
      assertEquals(List.of("welcome a@b"), SENT);
      JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
      assertEquals(List.of("a@b"), jdbc.queryForList("select email from users", String.class));
    }
  }
}
