package ch.ipng.maglev.vpp.api;

import ch.ipng.maglev.vpp.api.Requests.Pending;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The stream socket of one connection: a reader thread that cuts VPP's byte stream into frames
 * however it arrives, and a writer thread that sends queued frames, as many per system call as have
 * queued up, so pipelined requests share syscalls and no caller blocks on the socket.
 */
final class ApiSocket {
  private final SocketChannel channel;
  private final Path path;
  private final CompletableFuture<Void> closed;
  private final Requests requests;
  private final Consumer<ByteBuffer> frames;
  private final Consumer<VppException> failed;
  private final ConcurrentLinkedQueue<Outgoing> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final Thread reader;
  private final Thread writer;

  /** A frame waiting for the writer, and the request to fail if it cannot be written. */
  private record Outgoing(ByteBuffer frame, @Nullable Pending pending) {}

  /**
   * Reads frame bodies into {@code frames} (on the reader thread) and reports the end of the
   * connection to {@code failed}; both threads stop once {@code closed} completes.
   */
  ApiSocket(
      SocketChannel channel,
      Path path,
      CompletableFuture<Void> closed,
      Requests requests,
      Consumer<ByteBuffer> frames,
      Consumer<VppException> failed) {
    this.channel = channel;
    this.path = path;
    this.closed = closed;
    this.requests = requests;
    this.frames = frames;
    this.failed = failed;
    this.reader = Thread.ofPlatform().daemon().name("vpp-api-reader").unstarted(this::readLoop);
    this.writer = Thread.ofPlatform().daemon().name("vpp-api-writer").unstarted(this::writeLoop);
  }

  void start() {
    reader.start();
    writer.start();
  }

  /** Queues a frame; {@code p} is failed if it cannot be written. */
  void send(ByteBuffer frame, @Nullable Pending p) {
    outbox.add(new Outgoing(frame, p));
    LockSupport.unpark(writer);
  }

  /**
   * Marks the close as this side's, so the reader does not report it as a read failure.
   *
   * @return false when it was already marked
   */
  boolean beginClose() {
    return closing.compareAndSet(false, true);
  }

  void closeChannel() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** Lets the writer see that the connection is closed (it parks while the outbox is empty). */
  void wakeWriter() {
    LockSupport.unpark(writer);
  }

  private void writeLoop() {
    List<Outgoing> batch = new ArrayList<>();
    ByteBuffer[] buffers = new ByteBuffer[0];
    while (!closed.isDone()) {
      Outgoing o = outbox.poll();
      if (o == null) {
        LockSupport.park(this);
        continue;
      }
      batch.clear();
      batch.add(o);
      while (batch.size() < 1024 && (o = outbox.poll()) != null) {
        batch.add(o);
      }
      if (buffers.length != batch.size()) {
        buffers = new ByteBuffer[batch.size()];
      }
      for (int i = 0; i < batch.size(); i++) {
        buffers[i] = batch.get(i).frame();
      }
      try {
        while (buffers[buffers.length - 1].hasRemaining()) {
          channel.write(buffers);
        }
      } catch (IOException e) {
        VppException failure =
            new VppException("cannot write to VPP at " + path + ": " + e.getMessage(), e);
        for (Outgoing unwritten : batch) {
          if (unwritten.pending() != null) {
            requests.unwritten(unwritten.pending(), failure, e);
          }
        }
        failed.accept(failure);
        return;
      }
    }
  }

  private void readLoop() {
    ByteBuffer in = ByteBuffer.allocate(READ_BUFFER_SIZE);
    try {
      while (true) {
        if (channel.read(in) < 0) {
          failed.accept(new VppException("VPP closed the API connection at " + path));
          return;
        }
        in = dispatchFrames(in.flip(), frames);
        in.compact();
      }
    } catch (VppException e) {
      // a frame this client refuses: the stream cannot be trusted past it, so the link ends
      failed.accept(
          closing.get()
              ? new VppException("connection to VPP at " + path + " closed")
              : new VppException(e.getMessage() + " on the API socket " + path, e));
    } catch (IOException | RuntimeException e) {
      failed.accept(
          closing.get()
              ? new VppException("connection to VPP at " + path + " closed")
              : new VppException("reading from VPP at " + path + " failed: " + e, e));
    }
  }

  /** The reader's buffer between long frames, and the size it starts at. */
  static final int READ_BUFFER_SIZE = 1 << 16;

  /**
   * Hands every whole frame in {@code in} to {@code frames} and returns the buffer holding the
   * rest, flipped for {@link ByteBuffer#compact}: {@code in}; a copy twice its size when it is full
   * and the frame needs more (so memory follows the bytes that arrived, not the length a header
   * claims); or a fresh small buffer when a long frame has passed.
   *
   * @throws VppException when a header claims a length out of bounds ({@link
   *     Codec#checkedBodyLength})
   */
  static ByteBuffer dispatchFrames(ByteBuffer in, Consumer<ByteBuffer> frames) {
    while (in.remaining() >= Codec.FRAME_HEADER_SIZE) {
      int length = Codec.checkedBodyLength(in);
      int needed = Codec.FRAME_HEADER_SIZE + length;
      if (in.remaining() < needed) {
        if (needed > in.capacity() && in.remaining() == in.capacity()) {
          ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(needed, 2L * in.capacity()));
          bigger.put(in);
          return bigger.flip();
        }
        return in;
      }
      ByteBuffer body = in.slice(in.position() + Codec.FRAME_HEADER_SIZE, length);
      in.position(in.position() + needed);
      frames.accept(body);
    }
    if (in.capacity() > READ_BUFFER_SIZE && in.remaining() < READ_BUFFER_SIZE) {
      ByteBuffer small = ByteBuffer.allocate(READ_BUFFER_SIZE);
      small.put(in);
      return small.flip();
    }
    return in;
  }
}
