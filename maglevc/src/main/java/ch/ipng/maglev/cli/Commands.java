package ch.ipng.maglev.cli;

import ch.ipng.maglev.cli.tree.Invocation;
import ch.ipng.maglev.cli.tree.Node;
import ch.ipng.maglev.cli.tree.Node.Slot;
import ch.ipng.maglev.proto.VPPWarmUp;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.time.Instant;

/**
 * maglevc's command tree, assembled from one class per command group (show, VPP, set, watch,
 * config), and what those groups share.
 */
final class Commands {
  private final Session session;

  Commands(Session session) {
    this.session = session;
  }

  /** The whole tree: dispatch, completion and "?" help all read this one definition. */
  Node tree() {
    Node root = Node.root();
    Node show = root.word("show", "show information");
    ShowCommands.addTo(show, session);
    // after the other show words, and "sync" right after "show": help lists words in this order
    VppCommands.addTo(show, root, session);
    SetCommands.addTo(root, session);
    WatchCommands.addTo(root, session);
    ConfigCommands.addTo(root, session);
    return root;
  }

  /** The warm-up line of {@code show vpp info}; see {@link VppCommands#warmUp}. */
  static String warmUp(VPPWarmUp w, long now) {
    return VppCommands.warmUp(w, now);
  }

  /** Prints a message as protobuf JSON when --json is on; returns whether it did. */
  static boolean json(Session session, MessageOrBuilder m) throws Exception {
    if (!session.json()) {
      return false;
    }
    session.output().line(JsonFormat.printer().alwaysPrintFieldsWithNoPresence().print(m));
    return true;
  }

  /** A slot's value; the resolver only runs an action once its slots are filled. */
  static String name(Invocation inv, Slot slot) {
    return inv.value(slot).orElseThrow(() -> new IllegalStateException("no " + slot.label()));
  }

  /** The wall clock in nanoseconds since the epoch, as maglevd's timestamps are. */
  static long nowNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /** A command that reached the server and failed: exit status 2. */
  static final class CommandFailure extends RuntimeException {
    CommandFailure(String message) {
      super(message);
    }
  }
}
