package ch.ipng.maglev.frontend.http;

import com.google.common.annotations.VisibleForTesting;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The dashboard page, built by Vite into the jar under {@code web/}: index.html, which must not be
 * cached, and content-hashed assets, which may be cached for good. A file is read once and kept in
 * memory; a name that is not in the jar is looked up again each time and never kept, so asking for
 * many names cannot grow the cache. The cache is bounded anyway ({@link #MAX_FILES}, {@link
 * #MAX_BYTES}): past that, a file is served from the jar each time.
 */
final class StaticFiles {
  /** A file as served. */
  record File(byte[] bytes, String type, String cacheControl) {}

  static final String NO_CACHE = "no-cache";
  static final String NO_STORE = "no-store";
  static final String FOREVER = "public, max-age=31536000, immutable";
  static final int MAX_FILES = 256;
  static final long MAX_BYTES = 32L << 20;
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
  private final Map<String, File> cache = new ConcurrentHashMap<>();
  private final AtomicLong cachedBytes = new AtomicLong();

  StaticFiles(String root) {
    this.root = root;
  }

  /** The page itself. */
  Optional<File> index() {
    return load("index.html", NO_CACHE);
  }

  /** The page in admin mode: the same file, never stored (it is behind a password). */
  Optional<File> adminIndex() {
    return index().map(f -> new File(f.bytes(), f.type(), NO_STORE));
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

  /** How many files are kept. */
  @VisibleForTesting
  int cachedCount() {
    return cache.size();
  }

  private Optional<File> load(String path, String cacheControl) {
    File cached = cache.get(path);
    if (cached != null) {
      return Optional.of(cached);
    }
    File f;
    try (InputStream in = StaticFiles.class.getClassLoader().getResourceAsStream(root + path)) {
      if (in == null) {
        return Optional.empty();
      }
      String ext = path.substring(path.lastIndexOf('.') + 1);
      f =
          new File(
              in.readAllBytes(), TYPES.getOrDefault(ext, "application/octet-stream"), cacheControl);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (cache.size() < MAX_FILES && cachedBytes.get() + f.bytes().length <= MAX_BYTES) {
      File raced = cache.putIfAbsent(path, f);
      if (raced != null) {
        return Optional.of(raced);
      }
      cachedBytes.addAndGet(f.bytes().length);
    }
    return Optional.of(f);
  }
}
