// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.dbscheduler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.github.kagkarlsson.scheduler.jdbc.AutodetectJdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.DefaultJdbcCustomization;
import com.github.kagkarlsson.scheduler.jdbc.JdbcCustomization;
import com.github.kagkarlsson.scheduler.serializer.Serializer;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The one db-scheduler task every intent is an instance of: named {@value #NAME}, its data the intent as
 * {@link dev.corobridge.intent.IntentCodec} encodes it, stored as JSON (never Java serialization), its instance
 * id the intent's key. Producers and workers agree on it by construction.
 */
final class IntentTask {
  static final String NAME = "corobridge-intent";

  @SuppressWarnings({"unchecked", "rawtypes"})
  static final TaskDescriptor<Map<String, Object>> DESCRIPTOR = (TaskDescriptor) TaskDescriptor.of(NAME, Map.class);

  /**
   * JSON, so that the stored intent is readable in the table and by any process. A plain mapper: the codec
   * makes every value JSON-compatible already (durations are ISO-8601 strings).
   */
  static Serializer serializer() {
    return JSON;
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The stored data's reader, its type resolved once rather than per execution. */
  private static final ObjectReader MAP_READER = MAPPER.readerFor(Map.class);

  private static final Serializer JSON = new Serializer() {
    @Override
    public byte[] serialize(Object data) {
      try {
        return MAPPER.writeValueAsBytes(data);
      } catch (IOException e) {
        throw new UncheckedIOException("an intent could not be written as JSON", e);
      }
    }

    @Override
    public <T> T deserialize(Class<T> type, byte[] bytes) {
      try {
        return bytes == null ? null : type == Map.class ? type.cast(MAP_READER.readValue(bytes)) : MAPPER.readValue(bytes, type);
      } catch (IOException e) {
        throw new UncheckedIOException("a stored intent is not the JSON of one", e);
      }
    }
  };

  /**
   * How db-scheduler talks to the database: detected, except that H2 (which db-scheduler does not know by
   * name, and warns about) is told what {@link DbSchedulerTables} made: time zones are stored.
   */
  static JdbcCustomization jdbcFor(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection()) {
      if (connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2")) {
        return new DefaultJdbcCustomization(false);
      }
    } catch (SQLException unreachable) {
      // let db-scheduler find out, and say so
    }
    return new AutodetectJdbcCustomization(dataSource);
  }

  private IntentTask() {}
}
