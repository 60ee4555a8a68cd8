package ch.ipng.maglev.vppsim;

import ch.ipng.maglev.vpp.api.Codec;
import ch.ipng.maglev.vpp.api.Message;
import ch.ipng.maglev.vpp.api.MessageType;
import ch.ipng.maglev.vpp.api.VppException;
import ch.ipng.maglev.vpp.api.msg.SockclntDeleteReply;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * VPP's binary-API stream socket: framing, registration slots, and VPP's silence on requests it
 * cannot handle (unknown id, body shorter than the definition, a client_index that is not the
 * connection's own).
 */
final class ApiServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ApiServer.class.getName());

  private final Path path;
  private final Simulator sim;
  private final Runnable afterRequest;
  private final ServerSocketChannel server;
  private final Set<SocketChannel> clients = ConcurrentHashMap.newKeySet();
  private final Deque<Integer> freeSlots = new ArrayDeque<>();
  private int nextSlot = 1;

  ApiServer(Path path, Simulator sim, Runnable afterRequest) throws IOException {
    this.path = path;
    this.sim = sim;
    this.afterRequest = afterRequest;
    Files.deleteIfExists(path);
    if (path.getParent() != null) {
      Files.createDirectories(path.getParent());
    }
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    Thread.ofPlatform().daemon().name("api-accept").start(this::acceptLoop);
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel client = server.accept();
        clients.add(client);
        int slot = allocateSlot();
        Thread.ofPlatform().daemon().name("api-client-" + slot).start(() -> serve(client, slot));
      } catch (IOException e) {
        if (server.isOpen()) {
          LOG.log(Level.WARNING, "accept on " + path + " failed", e);
        }
      }
    }
  }

  private synchronized int allocateSlot() {
    return freeSlots.isEmpty() ? nextSlot++ : freeSlots.pop();
  }

  private synchronized void freeSlot(int slot) {
    freeSlots.push(slot);
  }

  private void serve(SocketChannel client, int slot) {
    int handle = 0x80000000 | slot;
    ByteBuffer in = ByteBuffer.allocate(1 << 16);
    Replies out = new Replies();
    try (client) {
      while (client.read(in) >= 0) {
        in.flip();
        boolean close = false;
        while (!close && in.remaining() >= Codec.FRAME_HEADER_SIZE) {
          int length = Codec.bodyLength(in);
          if (in.remaining() < Codec.FRAME_HEADER_SIZE + length) {
            if (Codec.FRAME_HEADER_SIZE + length > in.capacity()) {
              in = ByteBuffer.allocate(Codec.FRAME_HEADER_SIZE + length).put(in).flip();
            }
            break;
          }
          ByteBuffer body = in.slice(in.position() + Codec.FRAME_HEADER_SIZE, length);
          in.position(in.position() + Codec.FRAME_HEADER_SIZE + length);
          close = !handle(out, handle, body);
        }
        // Replies to everything this read brought are written together: one syscall, in order.
        out.writeTo(client);
        if (close) {
          return;
        }
        in.compact();
      }
    } catch (IOException e) {
      // the client went away; VPP frees its registration the same way
    } finally {
      clients.remove(client);
      freeSlot(slot);
    }
  }

  /** A growing buffer of encoded reply frames. */
  private static final class Replies {
    private ByteBuffer buf = ByteBuffer.allocate(1 << 16);

    void add(Message m, int id, int context) {
      int size = Codec.FRAME_HEADER_SIZE + Codec.bodySize(m);
      if (buf.remaining() < size) {
        buf =
            ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + size))
                .put(buf.flip());
      }
      Codec.encodeFrame(buf, m, id, 0, context);
    }

    void writeTo(SocketChannel client) throws IOException {
      buf.flip();
      while (buf.hasRemaining()) {
        client.write(buf);
      }
      buf.clear();
    }
  }

  /** Handles one request; false when the connection must close (after sockclnt_delete). */
  private boolean handle(Replies out, int handle, ByteBuffer body) {
    if (body.remaining() < 2) {
      return true;
    }
    MessageTable table = sim.table();
    MessageType<?> type = table.type(Codec.messageId(body));
    if (type == null) {
      return true; // VPP: "no handler for msg id N", no reply
    }
    Codec.Decoded request;
    try {
      request = Codec.decode(type, body);
    } catch (VppException e) {
      return true; // VPP drops a message shorter than its definition, no reply
    }
    boolean hasClient =
        type.header() == MessageType.Header.CLIENT
            || type.header() == MessageType.Header.CLIENT_CONTEXT;
    if (hasClient && request.clientIndex() != handle) {
      return true; // the reply would go to another registration: nothing comes back here
    }
    List<Message> replies = sim.handle(request.message(), handle);
    afterRequest.run();
    if (replies == null) {
      return true;
    }
    boolean close = false;
    for (Message m : replies) {
      out.add(m, table.id(m.messageType()), request.context());
      close |= m instanceof SockclntDeleteReply r && r.response() == 1;
    }
    return !close;
  }

  /** Closes every client connection, as a VPP restart would. */
  void dropClients() {
    for (SocketChannel c : List.copyOf(clients)) {
      try {
        c.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    dropClients();
    Files.deleteIfExists(path);
  }
}
