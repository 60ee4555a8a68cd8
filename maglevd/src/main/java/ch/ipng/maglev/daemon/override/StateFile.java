package ch.ipng.maglev.daemon.override;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * maglevd's state file: the overrides in force, written atomically on every change (a temporary
 * file in the same directory, fsync, rename over the file, fsync of the directory), so a crash at
 * any point leaves either the old file or the new one, never a mix. Read once at start: a file that
 * cannot be read or decoded, or that a newer maglevd wrote, is renamed aside to {@code <file>.bad}
 * and maglevd starts without overrides.
 */
public final class StateFile {
  private static final Logger logger = LoggerFactory.getLogger(StateFile.class);

  /** The largest file read; a larger one is refused (no state file of ours comes near it). */
  static final long MAX_BYTES = 16L << 20;

  private final Path path;

  private StateFile(Path path) {
    this.path = path;
  }

  public static StateFile of(Path path) {
    Objects.requireNonNull(path, "path");
    return new StateFile(path.toAbsolutePath());
  }

  public Path path() {
    return path;
  }

  /** Where a bad file is kept. */
  public Path badPath() {
    return path.resolveSibling(path.getFileName() + ".bad");
  }

  private Path tempPath() {
    return path.resolveSibling("." + path.getFileName() + ".tmp");
  }

  /**
   * The overrides in the file; none when it does not exist. A bad file is moved aside to {@link
   * #badPath} (replacing an older one) with one error log line saying why, and gives none.
   */
  public List<OperatorOverride> load() {
    byte[] bytes;
    try {
      long size = Files.size(path);
      if (size > MAX_BYTES) {
        return bad("too large: " + size + " bytes (expected: at most " + MAX_BYTES + ")");
      }
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      logger.atInfo().setMessage("state-file-absent").addKeyValue("path", path.toString()).log();
      return List.of();
    } catch (IOException e) {
      return bad("unreadable: " + e);
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      return bad("not UTF-8 text");
    }
    try {
      List<OperatorOverride> overrides = StateCodec.decode(text);
      logger
          .atInfo()
          .setMessage("state-file-read")
          .addKeyValue("path", path.toString())
          .addKeyValue("overrides", overrides.size())
          .log();
      return overrides;
    } catch (StateCodec.FormatException e) {
      return bad(e.getMessage());
    }
  }

  private List<OperatorOverride> bad(String why) {
    Path aside = badPath();
    String kept;
    try {
      Files.move(path, aside, StandardCopyOption.REPLACE_EXISTING);
      kept = aside.toString();
    } catch (IOException e) {
      kept = "not kept (" + e + ")";
    }
    logger
        .atError()
        .setMessage("state-file-bad")
        .addKeyValue("path", path.toString())
        .addKeyValue("error", why)
        .addKeyValue("kept", kept)
        .addKeyValue("action", "starting without overrides")
        .log();
    return List.of();
  }

  /**
   * Writes the overrides atomically and durably: when this returns, the file holds them and
   * survives a crash or a power cut.
   *
   * @throws IOException when it could not be written; the previous file is left as it was
   */
  public void save(List<OperatorOverride> overrides, Instant now) throws IOException {
    byte[] bytes = StateCodec.encode(overrides, now).getBytes(StandardCharsets.UTF_8);
    Path tmp = tempPath();
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
    try {
      Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Path dir = Objects.requireNonNull(path.getParent(), "parent of " + path);
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
