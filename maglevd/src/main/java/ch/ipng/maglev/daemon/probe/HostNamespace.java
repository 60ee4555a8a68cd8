package ch.ipng.maglev.daemon.probe;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/** maglevd's own namespace: tasks run on the caller's thread. */
final class HostNamespace implements ProbeNamespace {
  static final HostNamespace INSTANCE = new HostNamespace();

  private HostNamespace() {}

  @Override
  public Optional<String> name() {
    return Optional.empty();
  }

  @Override
  public <T> T call(Callable<T> task) throws IOException {
    try {
      return task.call();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public @Nullable String enterOnThisThread() {
    return null; // every thread is here already
  }

  @Override
  public void close() {}
}
