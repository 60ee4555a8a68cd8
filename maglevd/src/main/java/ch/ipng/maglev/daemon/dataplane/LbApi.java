package ch.ipng.maglev.daemon.dataplane;

import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.Encap;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The lb plugin calls the dataplane makes: the seam between the reconciler and VPP, so the
 * reconciler's rules are tested against an in-memory plugin. Futures fail with a {@code
 * VppException} when VPP refuses or goes away.
 */
interface LbApi {
  CompletableFuture<Void> addVip(VipKey vip, Encap encap, int tableLength, boolean srcIpSticky);

  CompletableFuture<Void> delVip(VipKey vip);

  CompletableFuture<Void> addAs(VipKey vip, InetAddress address, int weight);

  /** Deletes an AS and flushes its flows. */
  CompletableFuture<Void> delAs(VipKey vip, InetAddress address);

  CompletableFuture<Void> setWeight(VipKey vip, InetAddress address, int weight, boolean flush);

  CompletableFuture<List<LbClient.Vip>> vips();

  /** Every AS of every VIP, inactive ones included. */
  CompletableFuture<List<LbClient.As>> ases();

  /** {@code show lb vips verbose}: the VIP indices and src-ip-sticky flags. */
  CompletableFuture<String> vipsVerbose();

  CompletableFuture<LbClient.Conf> confGet();

  CompletableFuture<Void> conf(LbClient.Conf conf);

  /** The real plugin over one VPP connection. */
  static LbApi of(LbClient lb) {
    return new LbApi() {
      @Override
      public CompletableFuture<Void> addVip(
          VipKey vip, Encap encap, int tableLength, boolean srcIpSticky) {
        return lb.addVip(vip, encap, tableLength, srcIpSticky);
      }

      @Override
      public CompletableFuture<Void> delVip(VipKey vip) {
        return lb.delVip(vip);
      }

      @Override
      public CompletableFuture<Void> addAs(VipKey vip, InetAddress address, int weight) {
        return lb.addAs(vip, address, weight, false);
      }

      @Override
      public CompletableFuture<Void> delAs(VipKey vip, InetAddress address) {
        return lb.delAs(vip, address, true);
      }

      @Override
      public CompletableFuture<Void> setWeight(
          VipKey vip, InetAddress address, int weight, boolean flush) {
        return lb.setWeight(vip, address, weight, flush);
      }

      @Override
      public CompletableFuture<List<LbClient.Vip>> vips() {
        return lb.vips();
      }

      @Override
      public CompletableFuture<List<LbClient.As>> ases() {
        return lb.ass();
      }

      @Override
      public CompletableFuture<String> vipsVerbose() {
        return lb.cli("show lb vips verbose");
      }

      @Override
      public CompletableFuture<LbClient.Conf> confGet() {
        return lb.confGet();
      }

      @Override
      public CompletableFuture<Void> conf(LbClient.Conf conf) {
        return lb.conf(conf);
      }
    };
  }
}
