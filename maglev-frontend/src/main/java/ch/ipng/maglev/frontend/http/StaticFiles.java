package ch.ipng.maglev.frontend.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard page, built by Vite into the jar under {@code web/}: index.html, which must not be
 * cached, and content-hashed assets, which may be cached for good. Read once, kept in memory.
 */
final class StaticFiles {
  /** A file as served. */
  record File(byte[] bytes, String type, String cacheControl) {}

  static final String NO_CACHE = "no-cache";
  static final String FOREVER = "public, max-age=31536000, immutable";
  private static final Pattern ASSET = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final Map<String, String> TYPES =
      Map.of(
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8",
          "svg", "image/svg+xml",
          "png", "image/png",
          "woff2", "font/woff2",
          "html", "text/html; charset=utf-8");

  private final String root;
  private final Map<String, Optional<File>> cache = new ConcurrentHashMap<>();

  StaticFiles(String root) {
    this.root = root;
  }

  /** The page itself. */
  Optional<File> index() {
    return load("index.html", NO_CACHE);
  }

  /** The icon, an SVG whatever its name says. */
  Optional<File> favicon() {
    return load("favicon.svg", "public, max-age=86400");
  }

  /** An asset by its file name; names with anything but letters, digits, "._-" are refused. */
  Optional<File> asset(String name) {
    if (!ASSET.matcher(name).matches() || name.startsWith(".")) {
      return Optional.empty();
    }
    return load("assets/" + name, FOREVER);
  }

  private Optional<File> load(String path, String cacheControl) {
    return cache.computeIfAbsent(
        path,
        p -> {
          try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(root + p)) {
            if (in == null) {
              return Optional.empty();
            }
            String ext = p.substring(p.lastIndexOf('.') + 1);
            return Optional.of(
                new File(
                    in.readAllBytes(),
                    TYPES.getOrDefault(ext, "application/octet-stream"),
                    cacheControl));
          } catch (IOException e) {
            return Optional.empty();
          }
        });
  }
}
