package ch.ipng.maglev.vppsim;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.vpp.api.VppConnection;
import ch.ipng.maglev.vpp.lb.LbClient;
import ch.ipng.maglev.vppsim.testing.SimProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every lb command of the captured CLI session (steps 00 to 11 of cli_transcript.txt) through
 * cli_inband on maglev-vppsim and compares each output with VPP's, up to the DPO numbers that vary
 * between runs.
 */
class CliTranscriptTest {
  /** Commands about the build, not the lb plugin. */
  private static final Set<String> SKIPPED = Set.of("show version", "show plugins");

  record Command(String line, String output) {}

  static List<Command> transcript() throws IOException {
    String text;
    try (InputStream in =
        CliTranscriptTest.class.getResourceAsStream("/vpp-golden/cli_transcript.txt")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Command> commands = new ArrayList<>();
    String current = null;
    StringBuilder output = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (line.startsWith("======== STEP 12")) {
        break; // the API message table of the real build
      }
      if (line.startsWith("vpp# ") || line.startsWith("======== ")) {
        if (current != null) {
          commands.add(new Command(current, output.toString()));
        }
        current = line.startsWith("vpp# ") ? line.substring(5) : null;
        output.setLength(0);
      } else if (current != null) {
        output.append(line).append('\n');
      }
    }
    if (current != null) {
      commands.add(new Command(current, output.toString()));
    }
    return commands;
  }

  private static String normalise(String output) {
    return output.replaceAll("dpo:\\d+", "dpo:N").stripTrailing();
  }

  @Test
  void everyLbCommandPrintsWhatVppPrinted(@TempDir Path dir) throws Exception {
    List<Command> commands = transcript();
    assertThat(commands).hasSizeGreaterThan(60);
    try (SimProcess sim = SimProcess.start(dir);
        VppConnection c =
            VppConnection.connect(
                sim.api(), "cli-test", Duration.ofSeconds(5), LbClient.REQUIRED)) {
      LbClient lb = new LbClient(c);
      int checked = 0;
      for (Command cmd : commands) {
        if (SKIPPED.contains(cmd.line())) {
          continue;
        }
        String got = VppConnection.await(lb.cli(cmd.line()));
        assertThat(normalise(got))
            .as("output of `%s`", cmd.line())
            .isEqualTo(normalise(cmd.output()));
        checked++;
      }
      assertThat(checked).isEqualTo(commands.size() - SKIPPED.size());
    }
  }
}
