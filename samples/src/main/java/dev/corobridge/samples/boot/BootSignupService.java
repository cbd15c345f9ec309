// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples.boot;

import dev.corobridge.intent.Airlock;
import dev.corobridge.intent.Intent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small Spring Boot sign-up service (H2 in-process, a web server on a loopback port) whose side effects
 * are intents, configured by nothing but Corobridge's auto-configuration: each transaction gets a scope whose
 * welcome mail and audit entry leave only after it commits, and each HTTP request gets a scope whose
 * "sign-up accepted" metric leaves only if the request succeeds. {@link #run()} starts it, signs the same
 * address up twice over HTTP (201, then 409: the insert fails, the transaction rolls back, nothing leaves)
 * and stops it.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class BootSignupService {
  /** Where the side effects go: a mail server and a metrics sink, stood in for by a list. */
  public static final class Outbox {
    final List<String> sent = new CopyOnWriteArrayList<>();

    void send(String to, String text) {
      sent.add(to + ": " + text);
    }
  }

  /** The accounts, one transaction per sign-up. */
  public static class Accounts {
    private final JdbcTemplate jdbc;
    private final Outbox outbox;

    /** Accounts kept with {@code jdbc}, side effects sent to {@code outbox}. */
    public Accounts(JdbcTemplate jdbc, Outbox outbox) {
      this.jdbc = jdbc;
      this.outbox = outbox;
      jdbc.execute("create table if not exists accounts (email varchar(200) primary key)");
    }

    /** Signs {@code email} up; its mails leave only if the insert commits. */
    @Transactional
    public void signUp(String email) {
      Airlock.enqueue(Intent.of("welcomeMail", intent -> outbox.send(email, "Welcome!")).build());
      jdbc.update("insert into accounts (email) values (?)", email); // a taken address fails here: rollback
      Airlock.enqueue(Intent.of("audit", intent -> outbox.send("audit@example.org", "new account " + email)).build());
    }
  }

  /** The HTTP front: {@code POST /signups?email=...}. */
  @RestController
  public static class Signups {
    private final Accounts accounts;
    private final Outbox outbox;

    /** The controller of {@code accounts}. */
    public Signups(Accounts accounts, Outbox outbox) {
      this.accounts = accounts;
      this.outbox = outbox;
    }

    /** 201 for a new address, 409 for a taken one; the metric leaves only with a 201. */
    @PostMapping("/signups")
    public ResponseEntity<String> signUp(@RequestParam("email") String email) {
      Airlock.enqueue(Intent.of("metric", intent -> outbox.send("metrics", "sign-up accepted")).build()); // the request's scope
      try {
        accounts.signUp(email);
      } catch (DuplicateKeyException taken) {
        return ResponseEntity.status(409).body(email + " is taken");
      }
      return ResponseEntity.status(201).body("welcome, " + email);
    }
  }

  /** The outbox bean. */
  @Bean
  Outbox outbox() {
    return new Outbox();
  }

  /** The accounts bean. */
  @Bean
  Accounts accounts(JdbcTemplate jdbc, Outbox outbox) {
    return new Accounts(jdbc, outbox);
  }

  /** Starts the service with the command line's settings (a port of its choosing unless {@code --server.port}). */
  public static void main(String[] args) {
    SpringApplication.run(BootSignupService.class, args);
  }

  /**
   * Starts the service on a free loopback port, signs {@code ada@example.org} up twice, stops it, and returns what left.
   *
   * @param report told each response's status and body
   * @return the side effects that left, in order
   */
  public static List<String> run(BiConsumer<Integer, String> report) throws IOException, InterruptedException {
    SpringApplication application = new SpringApplication(BootSignupService.class);
    application.setDefaultProperties(Map.of(
        "server.port", "0",
        "server.address", "127.0.0.1",
        "spring.main.banner-mode", "off",
        "logging.level.root", "warn",
        "corobridge.executor.name", "signups"));
    try (var context = (ServletWebServerApplicationContext) application.run()) {
      URI signups = URI.create("http://127.0.0.1:" + context.getWebServer().getPort() + "/signups?email=ada@example.org");
      HttpClient http = HttpClient.newHttpClient();
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(signups).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
        report.accept(response.statusCode(), response.body());
      }
      return List.copyOf(context.getBean(Outbox.class).sent);
    }
  }
}
