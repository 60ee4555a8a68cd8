import ch.ipng.maglev.vpp.maglev.MaglevTable;
import ch.ipng.maglev.vpp.maglev.MaglevTable.Server;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Time to build a 65,536-bucket Maglev table (median of 200 builds after 200 warm-up builds) for
 * 1,000 servers of weight 1 and for 100 servers of weight 100. Run by bench/maglev-table.sh.
 */
public class MaglevTableBench {
  public static void main(String[] args) throws Exception {
    report("1,000 servers x weight 1", servers(1000, 1));
    report("100 servers x weight 100", servers(100, 100));
  }

  static List<Server> servers(int n, int weight) throws Exception {
    List<Server> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Server(i + 1, InetAddress.getByAddress(new byte[] {10, 1, (byte) (i >> 8), (byte) i}), weight, true));
    }
    return out;
  }

  static void report(String what, List<Server> servers) {
    long[] t = new long[200];
    for (int i = 0; i < 200; i++) {
      MaglevTable.compute(65536, servers);
    }
    for (int i = 0; i < t.length; i++) {
      long s = System.nanoTime();
      MaglevTable.compute(65536, servers);
      t[i] = System.nanoTime() - s;
    }
    Arrays.sort(t);
    System.out.printf("%-26s median %.3f ms, p90 %.3f ms (65,536 buckets)%n", what, t[t.length / 2] / 1e6, t[t.length * 9 / 10] / 1e6);
  }
}
