package ch.ipng.maglev.daemon.probe;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;

/**
 * A named namespace: one dedicated platform thread calls setns(CLONE_NEWNET) once and then creates
 * every socket for it. setns acts on the calling thread only, so it never runs on a pooled or
 * virtual thread.
 */
final class NamedNamespace implements ProbeNamespace {
  private final String name;
  private final ExecutorService thread;
  private final Future<@Nullable String> entered;

  NamedNamespace(String name) {
    this.name = name;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = Thread.ofPlatform().name("netns-" + name).daemon().unstarted(r);
              return t;
            });
    this.entered = thread.submit(this::enterOnThisThread);
  }

  @Override
  public @Nullable String enterOnThisThread() {
    String path = "/var/run/netns/" + name;
    LibC libc = LibC.get();
    int fd = libc.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
    if (fd < 0) {
      return "enter netns \"" + name + "\": " + LibC.describe(LibC.errno());
    }
    try {
      if (libc.setns(fd, LibC.CLONE_NEWNET) != 0) {
        return "enter netns \"" + name + "\": " + LibC.describe(LibC.errno());
      }
      return null;
    } finally {
      libc.close(fd);
    }
  }

  @Override
  public Optional<String> name() {
    return Optional.of(name);
  }

  @Override
  public <T> T call(Callable<T> task) throws IOException {
    try {
      String error = entered.get();
      if (error != null) {
        throw new IOException(error);
      }
      return thread.submit(task).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for netns \"" + name + "\"", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      throw new IOException(c == null ? "netns task failed" : String.valueOf(c.getMessage()), c);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      throw new IOException("netns \"" + name + "\" is closed", e);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
