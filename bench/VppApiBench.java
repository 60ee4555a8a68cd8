import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.Encap;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The VPP API client against maglev-vppsim (a separate process): pipelined lb_add_del_as_v2 and
 * lb_as_set_weight throughput, and the time of an lb_as_v2_dump of 1,000 VIPs x 16 ASes. Run by
 * bench/vpp.sh with the simulator's API socket as the argument.
 */
public class VppApiBench {
  static final int VIPS = 10_000;
  static final int ASES_PER_VIP = 10;

  public static void main(String[] args) throws Exception {
    Path api = Path.of(args[0]);
    if ("dump".equals(System.getProperty("bench.phase"))) {
      dump(api);
      return;
    }
    try (VppConnection c = VppConnection.connect(api, "bench", Duration.ofSeconds(60), LbClient.REQUIRED)) {
      LbClient lb = new LbClient(c);
      List<VipKey> vips = new ArrayList<>();
      List<CompletableFuture<Void>> setup = new ArrayList<>();
      for (int i = 0; i < VIPS; i++) {
        VipKey vip = new VipKey(InetAddress.getByAddress(new byte[] {10, 100, (byte) (i >> 8), (byte) i}), 32, 6, 80);
        vips.add(vip);
        setup.add(lb.addVip(vip, Encap.GRE4, 16, false));
      }
      CompletableFuture.allOf(setup.toArray(CompletableFuture[]::new)).get();

      int n = VIPS * ASES_PER_VIP;
      List<CompletableFuture<Void>> adds = new ArrayList<>(n);
      long start = System.nanoTime();
      for (int a = 0; a < ASES_PER_VIP; a++) {
        for (VipKey vip : vips) {
          adds.add(lb.addAs(vip, InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) (a + 1)}), 1, false));
        }
      }
      CompletableFuture.allOf(adds.toArray(CompletableFuture[]::new)).get();
      double addSeconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("pipelined lb_add_del_as_v2: %,d in %.2f s = %,.0f msg/s (target >= 100,000)%n", n, addSeconds, n / addSeconds);

      List<CompletableFuture<Void>> weights = new ArrayList<>(n);
      start = System.nanoTime();
      for (int a = 0; a < ASES_PER_VIP; a++) {
        for (VipKey vip : vips) {
          weights.add(lb.setWeight(vip, InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) (a + 1)}), 2, false));
        }
      }
      CompletableFuture.allOf(weights.toArray(CompletableFuture[]::new)).get();
      double weightSeconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("pipelined lb_as_set_weight: %,d in %.2f s = %,.0f msg/s (target >= 100,000)%n", n, weightSeconds, n / weightSeconds);

    }
  }

  /** Second phase, on a fresh simulator: the 16k-AS dump. */
  public static void dump(Path api) throws Exception {
    try (VppConnection c = VppConnection.connect(api, "bench", Duration.ofSeconds(60), LbClient.REQUIRED)) {
      LbClient lb = new LbClient(c);
      List<CompletableFuture<Void>> setup = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        VipKey vip = new VipKey(InetAddress.getByAddress(new byte[] {10, 101, (byte) (i >> 8), (byte) i}), 32, 6, 80);
        setup.add(lb.addVip(vip, Encap.GRE4, 1024, false));
        for (int a = 0; a < 16; a++) {
          setup.add(lb.addAs(vip, InetAddress.getByAddress(new byte[] {10, 1, (byte) i, (byte) (a + 1)}), 1, false));
        }
      }
      CompletableFuture.allOf(setup.toArray(CompletableFuture[]::new)).get();
      long[] t = new long[11];
      int count = 0;
      for (int i = 0; i < t.length; i++) {
        long s = System.nanoTime();
        count = lb.ass().get().size();
        t[i] = System.nanoTime() - s;
      }
      Arrays.sort(t);
      System.out.printf("lb_as_v2_dump of %,d ASes (1,000 VIPs x 16): median %.1f ms, max %.1f ms (target < 200 ms)%n", count, t[t.length / 2] / 1e6, t[t.length - 1] / 1e6);
    }
  }
}
