package ch.ipng.maglev.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.common.testing.Property;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Any --server-tls entry is taken or refused with a message naming --server-tls, never a crash. */
class ServerTlsPropertyTest {
  static final List<String> SERVERS = List.of("lb0:9090", "lb1:9090", "[::1]:9090");

  @Test
  void aMangledEntry_isTakenOrRefusedNamingTheFlag() {
    Property.forAll(
        "server-tls entry",
        3_000,
        r ->
            List.of(
                Property.mutate(r, "lb1=ca:/etc/ca.pem,cert:/etc/c.pem,key:/etc/c.key"),
                Property.mutate(r, "lb0:9090=ca:/x")),
        entries -> {
          try {
            ServerTls.parse(new ServerTls.Files("", "", "", ""), entries, SERVERS);
          } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("--server-tls");
          }
        });
  }
}
