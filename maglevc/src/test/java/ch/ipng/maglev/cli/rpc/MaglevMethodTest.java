package ch.ipng.maglev.cli.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.proto.MaglevGrpc;
import ch.ipng.maglev.proto.MaglevProto;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** maglevc's method table against maglev.proto's descriptor and grpc-java's stubs of it. */
class MaglevMethodTest {
  private static final Path TABLE_SOURCE =
      Path.of(
          System.getProperty("maglev.projectRoot", ".."),
          "maglevc/src/main/java/ch/ipng/maglev/cli/rpc/MaglevMethod.java");

  private static final ServiceDescriptor SERVICE =
      MaglevProto.getDescriptor().findServiceByName("Maglev");

  private static final Map<String, MaglevMethod> TABLE =
      Arrays.stream(MaglevMethod.values())
          .collect(Collectors.toMap(MaglevMethod::path, Function.identity()));

  private static String path(MethodDescriptor m) {
    return "/" + SERVICE.getFullName() + "/" + m.getName();
  }

  @Test
  void checkedInTable_isWhatTheGeneratorWritesFromTheProto() throws IOException {
    String expected = MethodTableGenerator.source(SERVICE);
    if (System.getProperty("maglevc.regenerate") != null) {
      Files.writeString(TABLE_SOURCE, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.readString(TABLE_SOURCE, StandardCharsets.UTF_8))
        .as(
            "%s is out of date with maglev.proto; rewrite it with: mvn -pl maglevc -am test"
                + " -Dtest=MaglevMethodTest -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dmaglevc.regenerate",
            TABLE_SOURCE)
        .isEqualTo(expected);
  }

  @Test
  void everyRpcOfTheService_isInTheTable_withItsPathAndShape() {
    assertThat(TABLE.keySet())
        .containsExactlyInAnyOrderElementsOf(
            SERVICE.getMethods().stream().map(MaglevMethodTest::path).toList());
    for (MethodDescriptor m : SERVICE.getMethods()) {
      assertThat(TABLE.get(path(m)).serverStreaming())
          .as(m.getName())
          .isEqualTo(m.isServerStreaming());
    }
  }

  @Test
  void tablePaths_areGrpcJavasFullMethodNames() {
    assertThat(TABLE.keySet())
        .containsExactlyInAnyOrderElementsOf(
            MaglevGrpc.getServiceDescriptor().getMethods().stream()
                .map(m -> "/" + m.getFullMethodName())
                .toList());
  }

  @Test
  void sentAgainAfterStaleConnection_exactlyTheRpcsTheProtoMarksNoSideEffects() {
    for (MethodDescriptor m : SERVICE.getMethods()) {
      assertThat(MaglevClient.sentAgainAfterStaleConnection(TABLE.get(path(m))))
          .as(m.getName())
          .isEqualTo(MethodTableGenerator.noSideEffects(m));
    }
    // grpc-java reads the same option: NO_SIDE_EFFECTS makes a method "safe"
    for (var m : MaglevGrpc.getServiceDescriptor().getMethods()) {
      assertThat(TABLE.get("/" + m.getFullMethodName()).noSideEffects())
          .as(m.getFullMethodName())
          .isEqualTo(m.isSafe());
    }
  }

  @Test
  void rpcsNamedLikeReads_areMarkedNoSideEffects_rpcsNamedLikeChangesAreNot() {
    // A guard for new RPCs: a read left unmarked would not be sent again after a maglevd restart,
    // and a change marked by mistake could be applied twice.
    for (MethodDescriptor m : SERVICE.getMethods()) {
      if (m.getName().matches("(List|Get|Watch|Check)[A-Z].*")) {
        assertThat(MethodTableGenerator.noSideEffects(m)).as(m.getName()).isTrue();
      }
      if (m.getName().matches("(Set|Pause|Resume|Enable|Disable|Reload|Sync)[A-Z].*")) {
        assertThat(MethodTableGenerator.noSideEffects(m)).as(m.getName()).isFalse();
      }
    }
  }

  @Test
  void constantName_splitsWordsAtCapitals_keepsAcronymsTogether() {
    assertThat(MethodTableGenerator.constantName("ListBackends")).isEqualTo("LIST_BACKENDS");
    assertThat(MethodTableGenerator.constantName("GetVPPInfo")).isEqualTo("GET_VPP_INFO");
    assertThat(MethodTableGenerator.constantName("GetVPPLBState")).isEqualTo("GET_VPPLB_STATE");
  }
}
