package ch.ipng.maglev.vpp.apigen;

import static ch.ipng.maglev.vpp.apigen.JavaNames.className;

import ch.ipng.maglev.vpp.apigen.ApiModel.EnumDef;
import ch.ipng.maglev.vpp.apigen.ApiModel.StructDef;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes one Java source per struct, union, enum and message, plus a registry of every message.
 * Each kind has its emitter; this class only adds the package to what they return.
 */
final class JavaEmitter {
  private final String pkg;

  JavaEmitter(String pkg) {
    this.pkg = pkg;
  }

  /** Class name to source text for everything in the model. */
  Map<String, String> emit(ApiModel model) {
    Map<String, String> out = new LinkedHashMap<>();
    for (EnumDef e : model.enums.values()) {
      out.put(className(e.name()), EnumEmitter.emit(e).text(pkg));
    }
    for (StructDef s : model.structs.values()) {
      GeneratedSource source = s.union() ? UnionEmitter.emit(s) : RecordEmitter.emit(s);
      out.put(className(s.name()), source.text(pkg));
    }
    out.put("Messages", RegistryEmitter.emit(model).text(pkg));
    return out;
  }
}
