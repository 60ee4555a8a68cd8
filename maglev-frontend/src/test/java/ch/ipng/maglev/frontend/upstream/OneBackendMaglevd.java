package ch.ipng.maglev.frontend.upstream;

import ch.ipng.maglev.daemon.testing.DaemonProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A real maglevd process with one frontend "site" of one backend "web1" on 127.0.0.1. */
final class OneBackendMaglevd {
  private OneBackendMaglevd() {}

  /** Starts it, probing /healthz on {@code webPort} every 200 ms, without VPP. */
  static DaemonProcess start(Path dir, int webPort, String... flags) throws IOException {
    Path config = dir.resolve("maglev.yaml");
    Files.writeString(
        config,
        """
        maglev:
          healthchecks:
            http: { type: http, port: %d, interval: 200ms, params: { path: /healthz } }
          backends:
            web1: { address: 127.0.0.1, healthcheck: http }
          frontends:
            site:
              address: 192.0.2.1
              protocol: tcp
              port: 80
              pools:
                - { name: primary, backends: { web1: {} } }
        """
            .formatted(webPort));
    List<String> args = new java.util.ArrayList<>(List.of(flags));
    args.add("--config=" + config);
    return DaemonProcess.start(dir, List.of(), args.toArray(String[]::new));
  }
}
