// SPDX-License-Identifier: Apache-2.0
package dev.corobridge.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's quick starts are real code: shown verbatim from the samples, and run here. */
class ReadmeTest {
  private static final Path README = Path.of("..", "README.md");

  @Test
  void theJavaQuickStartInTheReadmeIsTheSampleThatRuns() throws Exception {
    assertReadmeShows(Path.of("src/main/java/dev/corobridge/samples/QuickStart.java"));
    try (LocalGallery server = LocalGallery.start()) {
      Path file = Files.createTempFile("quick-start", ".bin");
      Files.write(file, new byte[123]);
      List<URI> urls = List.of(server.uri("/gallery/1"), server.uri("/gallery/2"), server.uri("/gallery/3"));
      List<String> out = QuickStart.run(new Web(), urls, file);
      assertEquals(4, out.size(), "two streamed bodies, the first page, the summary: " + out);
      assertTrue(out.get(3).startsWith("3 pages") && out.get(3).contains("123 bytes, 1 done"), out.get(3));
      Files.delete(file);
    }
  }

  @Test
  void theKotlinQuickStartInTheReadmeIsTheSampleThatRuns() throws Exception {
    assertReadmeShows(Path.of("src/main/kotlin/dev/corobridge/samples/KotlinQuickStart.kt"));
    try (LocalGallery server = LocalGallery.start()) {
      Path config = Files.createTempFile("app", ".conf");
      Files.writeString(config, "threads = 16");
      List<URI> urls = List.of(server.uri("/gallery/1"), server.uri("/gallery/2"));
      KotlinQuickStart quickStart = new KotlinQuickStart(new Web(), urls, List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), config);
      quickStart.runBlocking();
      List<String> out = quickStart.getOut();
      assertEquals(12, out.size(), "10 pages shown, the report, the config: " + out);
      assertTrue(out.contains("report of 2 pages") && out.contains("config has 12 chars"), out.toString());
      Files.delete(config);
    }
  }

  /** Asserts that the README holds the lines between the sample's markers, as they are (indentation aside). */
  private static void assertReadmeShows(Path sample) throws IOException {
    List<String> lines = Files.readAllLines(sample);
    int begin = lines.indexOf(lines.stream().filter(l -> l.trim().equals("// quick-start:begin")).findFirst().orElseThrow()) + 1;
    int end = lines.indexOf(lines.stream().filter(l -> l.trim().equals("// quick-start:end")).findFirst().orElseThrow());
    List<String> region = lines.subList(begin, end);
    int indent = region.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    String expected = region.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
    String readme = Files.readString(README);
    assertTrue(readme.contains(expected), () -> "README.md shows the quick start of " + sample + " as written:\n" + expected
        + "\n--- README code blocks:\n" + Arrays.stream(readme.split("```")).filter(b -> b.startsWith("java") || b.startsWith("kotlin"))
        .collect(Collectors.joining("\n---\n")));
  }
}
