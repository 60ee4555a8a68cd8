package ch.ipng.maglev.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.RuntimeVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build removes protoc's per-class runtime version check (see pom.xml); this is the check made
 * once, at build time instead: the runtime on the class path is the one the code was generated for.
 */
class GeneratedCodeVersionTest {
  @Test
  void runtimeIsTheVersionTheCodeWasGeneratedFor() {
    String generatedFor = System.getProperty("protobuf.version");
    assertThat(generatedFor).as("protobuf.version, set by the pom").isNotBlank();
    assertThat(RuntimeVersion.MAJOR + "." + RuntimeVersion.MINOR + "." + RuntimeVersion.PATCH)
        .isEqualTo(generatedFor);
  }

  @Test
  void generatedSources_carryNoVersionCheck_butStillCompileToWorkingMessages() throws IOException {
    Path generated = Path.of("target", "generated-sources", "protobuf", "java");
    List<Path> sources;
    try (Stream<Path> files = Files.walk(generated)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(sources).isNotEmpty();
    for (Path p : sources) {
      assertThat(Files.readString(p))
          .as(p.toString())
          .doesNotContain("validateProtobufGencodeVersion");
    }
    BackendInfo b = BackendInfo.newBuilder().setName("nginx0").setRise(2).build();
    assertThat(BackendInfo.parseFrom(b.toByteArray())).isEqualTo(b);
    assertThat(BackendInfo.getDescriptor().getFullName()).isEqualTo("maglev.BackendInfo");
  }
}
