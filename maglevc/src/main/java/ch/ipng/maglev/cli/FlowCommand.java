package ch.ipng.maglev.cli;

import static ch.ipng.maglev.cli.Commands.json;

import ch.ipng.maglev.cli.tree.Invocation;
import ch.ipng.maglev.cli.tree.Node;
import ch.ipng.maglev.cli.tree.Node.Slot;
import ch.ipng.maglev.common.HostPort;
import ch.ipng.maglev.proto.LookupVPPLBFlowRequest;
import ch.ipng.maglev.proto.VPPLBFlow;
import ch.ipng.maglev.proto.VPPLBVIP;
import java.util.List;

/**
 * {@code show vpp lb flow SRC[:PORT] DST:PORT [tcp|udp]}: the VIP, bucket and AS VPP gives a new
 * flow, and the table digests {@code show vpp lb state} prints.
 */
final class FlowCommand {
  private final Session session;

  private FlowCommand(Session session) {
    this.session = session;
  }

  /** Adds {@code flow} under {@code show vpp lb}. */
  static void addTo(Node lb, Session session) {
    FlowCommand c = new FlowCommand(session);
    Node dst =
        lb.word("flow", "which VIP, bucket and AS a new flow gets")
            .slot(Slot.SOURCE, "client address, optionally :port (IPv6: [addr]:port)")
            .slot(Slot.DESTINATION, "VIP address:port (IPv6: [addr]:port)")
            .action(c::lookup);
    dst.slot(Slot.PROTOCOL, "tcp (the default) or udp").action(c::lookup);
  }

  /** "3a8650d08beb7", with maglevd's when it differs: "… (maglevd wants …)". */
  static String digests(VPPLBVIP v) {
    String d = v.getTableDigest();
    String want = v.getDesiredTableDigest();
    if (want.isEmpty() || want.equals(d)) {
      return d;
    }
    return d + " (maglevd wants " + want + ")";
  }

  /** An address with an optional port. */
  record Endpoint(String address, int port) {}

  /**
   * Splits {@code 192.0.2.1:80}, {@code [2001:db8::1]:80}, or, when the port is optional, a bare
   * address; the server checks the address itself.
   *
   * @throws IllegalArgumentException naming the word and what was expected
   */
  static Endpoint endpoint(String what, String word, boolean portRequired) {
    String expected =
        portRequired
            ? "ADDRESS:PORT, e.g. 192.0.2.1:80 or [2001:db8::1]:80"
            : "ADDRESS or ADDRESS:PORT, e.g. 198.51.100.7:40000 or [2001:db8::7]:40000";
    HostPort hp = HostPort.split(word);
    if (hp == null) {
      throw bad(what, word, expected);
    }
    if (hp.port() == null) {
      if (portRequired) {
        throw bad(what, word, expected);
      }
      return new Endpoint(hp.host(), 0);
    }
    if (hp.portNumber() < 0 || hp.host().isEmpty()) {
      throw bad(what, word, expected + ", port 0-65535");
    }
    return new Endpoint(hp.host(), hp.portNumber());
  }

  private static IllegalArgumentException bad(String what, String word, String expected) {
    return new IllegalArgumentException(
        "%s: \"%s\" (expected: %s)".formatted(what, word, expected));
  }

  private void lookup(Invocation inv) throws Exception {
    Endpoint src = endpoint("src", inv.value(Slot.SOURCE).orElseThrow(), false);
    Endpoint dst = endpoint("dst", inv.value(Slot.DESTINATION).orElseThrow(), true);
    VPPLBFlow f =
        session
            .stub()
            .lookupVPPLBFlow(
                LookupVPPLBFlowRequest.newBuilder()
                    .setSrc(src.address())
                    .setSrcPort(src.port())
                    .setDst(dst.address())
                    .setDstPort(dst.port())
                    .setProtocol(inv.value(Slot.PROTOCOL).orElse("tcp"))
                    .build());
    if (json(session, f)) {
      return;
    }
    VPPLBVIP v = f.getVip();
    String as =
        f.getAsAddress().isEmpty()
            ? "none: the VIP has no AS with weight, VPP drops the flow"
            : f.getAsAddress()
                + (f.getBackend().isEmpty() ? "" : " (backend " + f.getBackend() + ")");
    session
        .output()
        .fields(
            List.of(
                new String[] {
                  "vip",
                  v.getPrefix()
                      + " "
                      + v.getProtocol()
                      + (v.getPort() == 0 ? "" : "/" + v.getPort())
                      + (v.getSrcIpSticky() ? " src-ip-sticky" : "")
                      + (v.getFrontend().isEmpty() ? "" : " (frontend " + v.getFrontend() + ")")
                },
                new String[] {"hash", "0x%08x".formatted(f.getHash())},
                new String[] {"bucket", f.getBucket() + " of " + v.getFlowTableLength()},
                new String[] {"as", as},
                new String[] {"table-digest", v.getTableDigest()},
                new String[] {"note", f.getNote()}));
  }
}
