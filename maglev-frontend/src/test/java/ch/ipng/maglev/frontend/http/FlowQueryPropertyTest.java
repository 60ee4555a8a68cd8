package ch.ipng.maglev.frontend.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.ipng.maglev.common.testing.Property;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A flow lookup's query: any input is a tuple or an error naming a parameter, never a throw. */
class FlowQueryPropertyTest {
  static final String ALPHABET = "0123456789abcdef.:[]%&=?+ xyz/-\u00e9\u0000";

  /** A request target as a client could send it, decoded as the router decodes it. */
  static Map<String, List<String>> decoded(String target) {
    return new QueryStringDecoder(target).parameters();
  }

  @Test
  void anyQuery_isATupleOrAnErrorNamingAParameter() {
    List<String> samples =
        List.of(
            "/view/api/flow/x?src=198.51.100.7:40000&dst=192.0.2.1:80&proto=tcp",
            "/view/api/flow/x?src=%5B2001:db8::7%5D:1&dst=%5B2001:db8::1%5D:443&proto=udp",
            "/view/api/flow/x?src=2001:db8::7&dst=[2001:db8::1]:0");
    Property.forAll(
        "flow-query",
        3000,
        r ->
            r.nextBoolean()
                ? Property.mutate(r, samples.get(r.nextInt(samples.size())))
                : "/view/api/flow/x?" + Property.text(r, ALPHABET, 60),
        target -> {
          FlowQuery.Parsed parsed = FlowQuery.fromTarget(target);
          if (parsed.query() == null && parsed.field().equals("query")) {
            assertThat(parsed.error()).startsWith("query: ").hasSizeLessThan(400);
            return;
          }
          Map<String, List<String>> p = decoded(target);
          if (parsed.query() == null) {
            assertThat(parsed.error()).isNotBlank().hasSizeLessThan(400);
            assertThat(
                    p.containsKey(parsed.field()) || List.of("src", "dst").contains(parsed.field()))
                .as("the field is one the query has, or a missing one")
                .isTrue();
          } else {
            FlowQuery q = parsed.query();
            assertThat(q.protocol()).isIn("tcp", "udp");
            assertThat(q.srcPort()).isBetween(0, 65535);
            assertThat(q.dstPort()).isBetween(0, 65535);
            assertThat(InetAddress.getByName(q.src()).getClass())
                .isEqualTo(InetAddress.getByName(q.dst()).getClass());
          }
        });
  }

  @Test
  void everyTuple_writtenAsMaglevcTakesIt_parsesBack() {
    Property.forAll(
        "flow-query-round-trip",
        3000,
        FlowQueryPropertyTest::tuple,
        t -> {
          String target =
              "/view/api/flow/x?src="
                  + endpoint(t.src(), t.srcPort())
                  + "&dst="
                  + endpoint(t.dst(), t.dstPort())
                  + "&proto="
                  + (t.protocol().equals("tcp") && t.srcPort() % 2 == 0 ? "TCP" : t.protocol());
          FlowQuery.Parsed parsed = FlowQuery.fromTarget(target);
          assertThat(parsed.error()).isEmpty();
          assertThat(parsed.query()).isEqualTo(t);
        });
  }

  static String endpoint(String address, int port) {
    return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
  }

  static FlowQuery tuple(Random r) {
    boolean v6 = r.nextBoolean();
    return new FlowQuery(
        address(r, v6),
        r.nextInt(65536),
        address(r, v6),
        r.nextInt(65536),
        r.nextBoolean() ? "tcp" : "udp");
  }

  static String address(Random r, boolean v6) {
    byte[] b = new byte[v6 ? 16 : 4];
    r.nextBytes(b);
    try {
      return com.google.common.net.InetAddresses.toAddrString(InetAddress.getByAddress(b));
    } catch (UnknownHostException e) {
      throw new AssertionError(e); // 4 or 16 bytes are always an address
    }
  }
}
