package ch.ipng.maglev.vpp.apigen;

import static ch.ipng.maglev.vpp.apigen.GeneratedSource.RUNTIME;
import static ch.ipng.maglev.vpp.apigen.JavaNames.className;

import ch.ipng.maglev.vpp.apigen.ApiModel.Module;
import ch.ipng.maglev.vpp.apigen.ApiModel.StructDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code Messages} class: every message type, which the client looks up by name and CRC at
 * connect, and the module names it asks VPP for the first message id of.
 */
final class RegistryEmitter {
  private RegistryEmitter() {}

  static GeneratedSource emit(ApiModel model) {
    StringBuilder b = new StringBuilder();
    b.append("/** Every generated message, and each module's name for get_first_msg_id. */\n");
    b.append("public final class Messages {\n");
    b.append("  /** Every message of every module, in each module's definition order. */\n");
    b.append("  public static final List<MessageType<?>> ALL =\n      List.of(");
    List<String> all = new ArrayList<>();
    for (Module m : model.modules) {
      for (StructDef s : m.messages()) {
        all.add(className(s.name()) + ".TYPE");
      }
    }
    b.append(String.join(",\n          ", all)).append(");\n\n");
    b.append("  /** Module name to its get_first_msg_id name, e.g. lb to lb_ac602d7b. */\n");
    b.append("  public static final Map<String, String> MODULE_IDS =\n      Map.ofEntries(");
    List<String> ids = new ArrayList<>();
    for (Module m : model.modules) {
      ids.add(
          "Map.entry(\""
              + m.name()
              + "\", \""
              + m.name()
              + "_"
              + String.format(Locale.ROOT, "%08x", m.crc())
              + "\")");
    }
    b.append(String.join(",\n          ", ids)).append(");\n\n");
    b.append("  private Messages() {}\n}\n");
    return new GeneratedSource(
        List.of("java.util.List", "java.util.Map", RUNTIME + ".MessageType"), b.toString());
  }
}
