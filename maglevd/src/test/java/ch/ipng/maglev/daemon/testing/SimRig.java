package ch.ipng.maglev.daemon.testing;

import static org.awaitility.Awaitility.await;

import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vpp.lb.LbClient.VipKey;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * maglev-vppsim and a maglevd that programs it, both as processes, with a client of each: the
 * simulator's state is read through its own VPP API ({@link #weights}), maglevd is driven over gRPC
 * ({@link #stub}). Closing stops both and their clients.
 */
public final class SimRig implements AutoCloseable {
  private final SimProcess sim;
  private final DaemonProcess daemon;
  private final VppConnection vpp;
  private final LbClient lb;
  private final ManagedChannel channel;
  private final Path config;

  private SimRig(
      SimProcess sim,
      DaemonProcess daemon,
      VppConnection vpp,
      ManagedChannel channel,
      Path config) {
    this.sim = sim;
    this.daemon = daemon;
    this.vpp = vpp;
    this.lb = new LbClient(vpp);
    this.channel = channel;
    this.config = config;
  }

  /**
   * Writes {@code yaml} to {@code dir}/maglev.yaml, starts the simulator (with {@code simArgs},
   * e.g. {@code --forward-loopback}) and maglevd on it, and connects to both.
   */
  public static SimRig start(Path dir, String yaml, String... simArgs) throws IOException {
    Path file = dir.resolve("maglev.yaml");
    Files.writeString(file, yaml);
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      SimProcess sim = SimProcess.start(dir, simArgs);
      opened.add(sim);
      DaemonProcess d =
          DaemonProcess.start(
              dir,
              List.of(),
              "--config",
              file.toString(),
              "--vpp-api-addr=" + sim.api(),
              "--vpp-stats-addr=" + sim.stats());
      opened.add(d);
      VppConnection vpp =
          VppConnection.connect(sim.api(), "sim-rig", Duration.ofSeconds(5), LbClient.REQUIRED);
      opened.add(vpp);
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", d.grpcPort()).usePlaintext().build();
      return new SimRig(sim, d, vpp, ch, file);
    } catch (IOException | RuntimeException e) {
      closeAll(opened.reversed(), e);
      throw e;
    }
  }

  public SimProcess sim() {
    return sim;
  }

  public DaemonProcess daemon() {
    return daemon;
  }

  /** The simulator's lb API, over a connection of the test's own. */
  public LbClient lb() {
    return lb;
  }

  /** The config file maglevd reads (rewrite it and send HUP to reload). */
  public Path config() {
    return config;
  }

  /** A gRPC stub on maglevd with a fresh 60 s deadline. */
  public MaglevGrpc.MaglevBlockingStub stub() {
    return MaglevGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** An asynchronous gRPC stub on maglevd, without a deadline (for streams such as WatchEvents). */
  public MaglevGrpc.MaglevStub asyncStub() {
    return MaglevGrpc.newStub(channel);
  }

  /** AS address → weight, for the active ASes of these VIPs, as the simulator has them. */
  public Map<String, Integer> weights(VipKey... vips) {
    Map<String, Integer> out = new TreeMap<>();
    for (VipKey vip : vips) {
      for (LbClient.As as : VppConnection.await(lb.ass(vip))) {
        if (as.active()) {
          out.put(as.address().getHostAddress(), as.weight());
        }
      }
    }
    return out;
  }

  /** AS address → (weight, buckets), for the active ASes of a VIP. */
  public Map<String, List<Integer>> weightsAndBuckets(VipKey vip) {
    Map<String, List<Integer>> out = new TreeMap<>();
    for (LbClient.As as : VppConnection.await(lb.ass(vip))) {
      if (as.active()) {
        out.put(as.address().getHostAddress(), List.of(as.weight(), as.buckets()));
      }
    }
    return out;
  }

  /** Waits up to {@code atMost} until maglevd has synced {@code expected} to these VIPs. */
  public void awaitWeights(Duration atMost, Map<String, Integer> expected, VipKey... vips) {
    await().atMost(atMost).until(() -> weights(vips), expected::equals);
  }

  @Override
  public void close() {
    closeAll(List.of(channel::shutdownNow, vpp, daemon, sim), null);
  }

  private static void closeAll(List<AutoCloseable> all, Throwable failure) {
    RuntimeException first = null;
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        if (failure != null) {
          failure.addSuppressed(e);
        } else if (first == null) {
          first = new IllegalStateException("closing the sim rig", e);
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
