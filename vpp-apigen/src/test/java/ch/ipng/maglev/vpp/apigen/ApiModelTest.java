package ch.ipng.maglev.vpp.apigen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiModelTest {
  private static final Path API_DIR = Path.of("../vpp-api/src/main/vpp-api");

  private static ApiModel model() throws IOException {
    try (Stream<Path> files = Files.list(API_DIR)) {
      return ApiModel.read(files.filter(p -> p.toString().endsWith(".api.json")).sorted().toList());
    }
  }

  @Test
  void lbMessageSizesMatchTheProtocolNotes() throws IOException {
    ApiModel model = model();
    // Body sizes from vpp-protocol.md §3.1, header fields included.
    Map<String, Integer> sizes =
        Map.of(
            "lb_conf", 38,
            "lb_add_del_vip", 49,
            "lb_add_del_vip_v2", 50,
            "lb_add_del_as_v2", 51,
            "lb_as_set_weight", 50,
            "lb_vip_dump", 33,
            "lb_vip_details", 40,
            "lb_as_v2_details", 54,
            "lb_conf_get_reply", 38,
            "lb_add_del_intf_nat4", 15);
    sizes.forEach(
        (name, size) -> assertThat(model.structs.get(name).size()).as(name).isEqualTo(size));
    assertThat(model.structs.get("lb_add_del_vip_v2").crc()).isEqualTo(0x7c520e0fL);
    assertThat(model.modules).extracting(ApiModel.Module::name).contains("lb", "memclnt", "vpe");
  }

  @Test
  void variableMessagesHaveNoFixedSizeAndKeepTheirCountField() throws IOException {
    ApiModel model = model();
    assertThat(model.structs.get("cli_inband").size()).isEqualTo(-1);
    assertThat(model.structs.get("sockclnt_create_reply").countFields()).containsExactly("count");
  }

  @Test
  void emitsOneSourcePerTypeAndARegistry() throws IOException {
    Map<String, String> sources = new JavaEmitter("x.y").emit(model());
    assertThat(sources).containsKeys("LbAddDelVipV2", "Address", "AddressUnion", "Messages");
    assertThat(sources.get("LbEncapType")).contains("LB_API_ENCAP_TYPE_GRE6 = 1;");
    // u32 enum values above Integer.MAX_VALUE keep their bits
    assertThat(sources.get("LbNatProtocol")).contains("(int) 4294967295L");
    assertThat(sources.get("Messages")).contains("\"lb\", \"lb_ac602d7b\"");
  }

  @Test
  void anUnknownTypeIsAnErrorNamingIt(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.api.json");
    Files.writeString(
        file,
        """
        {"types": [], "unions": [], "enums": [], "enumflags": [], "aliases": {},
         "vl_api_version": "0x1",
         "messages": [["m", ["u16", "_vl_msg_id"], ["vl_api_nope_t", "x"], {"crc": "0x2"}]]}
        """);
    assertThatThrownBy(() -> ApiModel.read(List.of(file))).hasMessageContaining("vl_api_nope_t");
  }

  @Test
  void namesBecomeJavaNames() {
    assertThat(JavaNames.className("lb_add_del_vip_v2")).isEqualTo("LbAddDelVipV2");
    assertThat(JavaNames.fieldName("new_flows_table_length")).isEqualTo("newFlowsTableLength");
    assertThat(JavaNames.fieldName("default")).isEqualTo("default_");
  }
}
