// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.jobrunr;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.corobridge.intent.Intent;
import dev.corobridge.intent.IntentCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

/** An intent as the JSON text a job request carries, and the job id its key stands for. */
final class IntentJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The intent's reader, its type resolved once rather than per job. */
  private static final ObjectReader MAP_READER = MAPPER.readerFor(new TypeReference<Map<String, Object>>() { });

  private IntentJson() {}

  static String write(IntentCodec codec, Intent intent) {
    try {
      return MAPPER.writeValueAsString(codec.encode(intent));
    } catch (IOException e) {
      throw new UncheckedIOException("an intent could not be written as JSON", e);
    }
  }

  static Intent read(IntentCodec codec, String json) {
    try {
      return codec.decode(MAP_READER.readValue(json));
    } catch (IOException e) {
      throw new UncheckedIOException("a stored intent is not the JSON of one", e);
    }
  }

  /** The job id of an intent's key: the same key, the same job. */
  static UUID jobId(String key) {
    return UUID.nameUUIDFromBytes(("corobridge-intent:" + key).getBytes(StandardCharsets.UTF_8));
  }
}
