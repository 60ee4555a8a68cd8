package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.vpp.api.VppException;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.Encap;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * An lb plugin in memory for the reconciler's tests: VIPs with their ASes, VPP's refusals for
 * writes that do not fit what it holds, a CLI answer in VPP's format, a log of every write, and
 * writes refused on demand. Answers complete at once, on the caller's thread.
 */
final class InMemoryLb implements LbApi {
  record Vip(Encap encap, boolean srcIpSticky, int index, Map<InetAddress, Integer> ases) {}

  final Map<VipKey, Vip> vips = new LinkedHashMap<>();
  final List<String> writes = new ArrayList<>();
  LbClient.Conf conf;
  private int nextIndex;
  private Predicate<String> refuse = w -> false;

  InMemoryLb() throws Exception {
    conf =
        new LbClient.Conf(
            (java.net.Inet4Address) InetAddress.getByName("255.255.255.255"),
            InetAddress.getByName("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
            64,
            40);
  }

  /** Refuses every write whose description matches from now on. */
  void refuse(Predicate<String> which) {
    refuse = which;
  }

  /** VPP restarted: it holds nothing. */
  void restart() {
    vips.clear();
  }

  /** The AS weights of one VIP, in the order they were added. */
  Map<InetAddress, Integer> ases(VipKey vip) {
    return vips.get(vip).ases();
  }

  private CompletableFuture<Void> write(String what, Runnable apply, boolean valid) {
    writes.add(what);
    if (refuse.test(what) || !valid) {
      return CompletableFuture.failedFuture(new VppException(what + ": VPP API error -1"));
    }
    apply.run();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletableFuture<Void> addVip(
      VipKey vip, Encap encap, int tableLength, boolean srcIpSticky) {
    return write(
        "add vip " + vip,
        () -> vips.put(vip, new Vip(encap, srcIpSticky, nextIndex++, new LinkedHashMap<>())),
        !vips.containsKey(vip));
  }

  @Override
  public CompletableFuture<Void> delVip(VipKey vip) {
    Vip v = vips.get(vip);
    return write("del vip " + vip, () -> vips.remove(vip), v != null && v.ases().isEmpty());
  }

  @Override
  public CompletableFuture<Void> addAs(VipKey vip, InetAddress address, int weight) {
    Vip v = vips.get(vip);
    return write(
        "add as " + address.getHostAddress() + " " + weight + " to " + vip,
        () -> v.ases().put(address, weight),
        v != null && !v.ases().containsKey(address));
  }

  @Override
  public CompletableFuture<Void> delAs(VipKey vip, InetAddress address) {
    Vip v = vips.get(vip);
    return write(
        "del as " + address.getHostAddress() + " from " + vip,
        () -> v.ases().remove(address),
        v != null && v.ases().containsKey(address));
  }

  @Override
  public CompletableFuture<Void> setWeight(
      VipKey vip, InetAddress address, int weight, boolean flush) {
    Vip v = vips.get(vip);
    return write(
        "set weight "
            + address.getHostAddress()
            + " "
            + weight
            + (flush ? " flush" : "")
            + " on "
            + vip,
        () -> v.ases().put(address, weight),
        v != null && v.ases().containsKey(address));
  }

  @Override
  public CompletableFuture<List<LbClient.Vip>> vips() {
    List<LbClient.Vip> out = new ArrayList<>();
    vips.forEach((k, v) -> out.add(new LbClient.Vip(k, v.encap(), 1024)));
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public CompletableFuture<List<LbClient.As>> ases() {
    List<LbClient.As> out = new ArrayList<>();
    vips.forEach((k, v) -> v.ases().forEach((a, w) -> out.add(new LbClient.As(k, a, w, true, 0))));
    return CompletableFuture.completedFuture(out);
  }

  @Override
  public CompletableFuture<String> vipsVerbose() {
    StringBuilder b = new StringBuilder();
    vips.forEach(
        (k, v) ->
            b.append(" ip4-gre4 [")
                .append(v.index())
                .append("] ")
                .append(k.prefix().getHostAddress())
                .append('/')
                .append(k.length())
                .append(v.srcIpSticky() ? " src_ip_sticky" : "")
                .append("\n  new_size:1024\n  protocol:")
                .append(k.protocol())
                .append(" port:")
                .append(k.port())
                .append('\n'));
    return CompletableFuture.completedFuture(b.toString());
  }

  @Override
  public CompletableFuture<LbClient.Conf> confGet() {
    return CompletableFuture.completedFuture(conf);
  }

  @Override
  public CompletableFuture<Void> conf(LbClient.Conf c) {
    return write("conf " + c, () -> conf = c, true);
  }
}
