package ch.ipng.maglev.frontend.http;

import com.google.common.annotations.VisibleForTesting;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The dashboard page, built by Vite into the jar under {@code web/}: index.html, which must not be
 * cached, and content-hashed assets, which may be cached for good. The names the build holds are
 * listed once, at start; a file is read when first asked for and kept in memory. A name that is not
 * in the build is answered from that list, never looked up in the class path and never kept, so
 * asking for many names costs neither time nor memory. The cache is bounded anyway ({@link
 * #MAX_FILES}, {@link #MAX_BYTES}): past that, a file is read from the jar each time.
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
  // the paths below root that exist, or null when they cannot be listed (then looked up each time)
  private final @Nullable Set<String> names;
  private final Map<String, File> cache = new ConcurrentHashMap<>();
  private final AtomicLong cachedBytes = new AtomicLong();

  StaticFiles(String root) {
    this.root = root;
    this.names = list(root);
  }

  /** The files below {@code root} (a jar's or a directory's, where its index.html is). */
  private static @Nullable Set<String> list(String root) {
    URL index = StaticFiles.class.getClassLoader().getResource(root + "index.html");
    if (index == null) {
      return Set.of(); // the page is not in this build
    }
    Set<String> found = new HashSet<>();
    try {
      switch (index.getProtocol()) {
        case "file" -> {
          Path dir = Path.of(index.toURI()).getParent();
          try (Stream<Path> files = Files.walk(dir)) {
            files
                .filter(Files::isRegularFile)
                .forEach(f -> found.add(dir.relativize(f).toString().replace('\\', '/')));
          }
        }
        case "jar" -> {
          JarURLConnection c = (JarURLConnection) index.openConnection();
          c.setUseCaches(false);
          try (JarFile jar = c.getJarFile()) {
            jar.stream()
                .filter(e -> !e.isDirectory() && e.getName().startsWith(root))
                .forEach(e -> found.add(e.getName().substring(root.length())));
          }
        }
        default -> {
          return null;
        }
      }
    } catch (IOException | URISyntaxException | UncheckedIOException e) {
      return null;
    }
    return Set.copyOf(found);
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
    if (names != null && !names.contains(path)) {
      return Optional.empty();
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
