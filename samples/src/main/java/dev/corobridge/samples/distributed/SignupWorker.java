// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples.distributed;

import com.zaxxer.hikari.HikariDataSource;
import dev.corobridge.AsyncExecutor;
import dev.corobridge.dbscheduler.DbSchedulerIntentWorker;
import dev.corobridge.intent.IntentHandlers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A worker JVM of {@link DistributedSignupGuide}: sends the welcome mails (here, rows of the table {@code mails},
 * keyed by the intent's key so a mail is sent once even if its intent runs twice). Prints {@code ready} once it
 * takes intents, and stops gracefully when its standard input closes. Arguments: the JDBC URL, the worker's name.
 */
public final class SignupWorker {
  /** The handler's name, shared by the producer and the workers. */
  public static final String WELCOME_MAIL = "welcomeMail";

  private SignupWorker() {}

  public static void main(String[] args) throws Exception {
    String name = args[1];
    try (HikariDataSource database = DistributedSignupGuide.pool(args[0], name)) {
      IntentHandlers.register(WELCOME_MAIL, intent -> {
        try (Connection connection = database.getConnection();
             PreparedStatement mail = connection.prepareStatement("insert into mails (mail_key, email, worker) values (?, ?, ?)")) {
          mail.setString(1, intent.key().orElseThrow());
          mail.setString(2, (String) intent.arg(0));
          mail.setString(3, name);
          mail.executeUpdate();
        } catch (SQLException e) {
          if (!"23505".equals(e.getSQLState())) throw e; // 23505: sent already, by an earlier run of this intent
        }
      });
      try (AsyncExecutor executor = AsyncExecutor.builder().name(name).maxWorkers(4).build();
           DbSchedulerIntentWorker worker = DbSchedulerIntentWorker.builder(database).executor(executor).name(name).threads(4)
               .pollingInterval(Duration.ofMillis(100)).build().start()) {
        System.out.println("ready");
        System.out.flush();
        while (System.in.read() != -1) {
          // works until the guide closes our input
        }
      }
    }
  }
}
