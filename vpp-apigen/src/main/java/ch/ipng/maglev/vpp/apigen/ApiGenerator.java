package ch.ipng.maglev.vpp.apigen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Build step: {@code ApiGenerator <dir of .api.json files> <output source root> <package>} writes
 * Java records and codecs for every message and type in those files.
 */
public final class ApiGenerator {
  private ApiGenerator() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      throw new IllegalArgumentException(
          "usage: ApiGenerator <api-json-dir> <output-source-root> <package>");
    }
    Path input = Path.of(args[0]);
    List<Path> files = new ArrayList<>();
    try (Stream<Path> list = Files.list(input)) {
      list.filter(p -> p.getFileName().toString().endsWith(".api.json"))
          .sorted()
          .forEach(files::add);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no .api.json files in " + input);
    }
    Map<String, String> sources = new JavaEmitter(args[2]).emit(ApiModel.read(files));
    Path dir = Path.of(args[1]).resolve(args[2].replace('.', '/'));
    Files.createDirectories(dir);
    for (Map.Entry<String, String> source : sources.entrySet()) {
      Path file = dir.resolve(source.getKey() + ".java");
      // Unchanged files keep their timestamps so incremental compiles stay incremental.
      if (!Files.exists(file) || !Files.readString(file).equals(source.getValue())) {
        Files.writeString(file, source.getValue(), StandardCharsets.UTF_8);
      }
    }
  }
}
