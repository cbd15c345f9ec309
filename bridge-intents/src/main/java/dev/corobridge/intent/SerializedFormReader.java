// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.intent;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.lang.invoke.SerializedLambda;
import java.util.Optional;

/**
 * Reads the {@link SerializedLambda} of a serializable lambda or method reference the way serialization
 * itself does, by starting to write it: the stream calls the lambda's private {@code writeReplace}, which
 * reflection from this module could only call if the lambda's package were opened to it (on the module
 * path it is not). The form is taken before anything is written, so captured values (a bound receiver
 * that is not serializable, say) are never serialized.
 */
final class SerializedFormReader extends ObjectOutputStream {
  private SerializedLambda form;

  private SerializedFormReader() throws IOException {
    super(OutputStream.nullOutputStream());
    enableReplaceObject(true);
  }

  static Optional<SerializedLambda> read(Object lambda) {
    try (SerializedFormReader reader = new SerializedFormReader()) {
      reader.writeObject(lambda);
      return Optional.ofNullable(reader.form);
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  @Override
  protected Object replaceObject(Object obj) {
    if (form == null && obj instanceof SerializedLambda serialized) {
      form = serialized;
      return null; // write nothing of it
    }
    return obj;
  }
}
