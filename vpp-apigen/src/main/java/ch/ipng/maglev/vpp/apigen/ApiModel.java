package ch.ipng.maglev.vpp.apigen;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The messages, structs, unions, enums and aliases of a set of .api.json files, resolved. */
final class ApiModel {

  /** A wire type: a primitive, a string, an enum, or a struct or union defined elsewhere. */
  sealed interface Type permits Primitive, Str, EnumRef, Composite {
    /** Bytes on the wire, or -1 when the length is only known at run time. */
    int size();
  }

  /** An integer, bool or f64 of {@code size} bytes. */
  record Primitive(String vppName, int size) implements Type {}

  /** A string: NUL-padded in {@code length} bytes, or a u32 length and bytes when 0. */
  record Str(int length) implements Type {
    @Override
    public int size() {
      return length == 0 ? -1 : length;
    }
  }

  /** An enum carried as an unsigned integer of {@code underlying}'s size. */
  record EnumRef(EnumDef def) implements Type {
    @Override
    public int size() {
      return def.underlying().size();
    }
  }

  /** A reference to a struct or union, resolved after every file is read. */
  static final class Composite implements Type {
    final String name;
    StructDef def;

    Composite(String name) {
      this.name = name;
    }

    @Override
    public int size() {
      return def.size();
    }
  }

  /**
   * One field. {@code arrayLength} is -1 for a scalar, N for a fixed array, 0 for a variable array
   * whose element count is the field named {@code countField}.
   */
  record Field(String name, Type type, int arrayLength, String countField) {
    int size() {
      if (arrayLength < 0) {
        return type.size();
      }
      if (arrayLength == 0 || type.size() < 0) {
        return -1;
      }
      return arrayLength * type.size();
    }
  }

  /** An enum: its constants in definition order and its wire type. */
  record EnumDef(String name, Primitive underlying, Map<String, Long> constants) {}

  /** A struct, a union (all members at offset 0) or a message (a struct with a CRC). */
  record StructDef(String name, boolean union, List<Field> fields, String module, long crc) {
    boolean message() {
      return crc >= 0;
    }

    int size() {
      int total = 0;
      for (Field f : fields) {
        int s = f.size();
        if (s < 0) {
          return -1;
        }
        total = union ? Math.max(total, s) : total + s;
      }
      return total;
    }

    Set<String> countFields() {
      Set<String> counts = new HashSet<>();
      for (Field f : fields) {
        if (f.countField() != null) {
          counts.add(f.countField());
        }
      }
      return counts;
    }
  }

  /** A module (one .api.json file) and the CRC its get_first_msg_id name carries. */
  record Module(String name, long crc, List<StructDef> messages) {}

  private static final Map<String, Primitive> PRIMITIVES = new LinkedHashMap<>();

  static {
    for (String p : List.of("u8", "i8", "bool")) {
      PRIMITIVES.put(p, new Primitive(p, 1));
    }
    PRIMITIVES.put("u16", new Primitive("u16", 2));
    PRIMITIVES.put("i16", new Primitive("i16", 2));
    PRIMITIVES.put("u32", new Primitive("u32", 4));
    PRIMITIVES.put("i32", new Primitive("i32", 4));
    for (String p : List.of("u64", "i64", "f64")) {
      PRIMITIVES.put(p, new Primitive(p, 8));
    }
  }

  final List<Module> modules = new ArrayList<>();
  final Map<String, StructDef> structs = new LinkedHashMap<>();
  final Map<String, EnumDef> enums = new LinkedHashMap<>();
  private final Map<String, JsonObject> aliases = new LinkedHashMap<>();
  private final List<Composite> unresolved = new ArrayList<>();

  /** Reads every file, then resolves every struct and union reference. */
  static ApiModel read(List<Path> files) throws IOException {
    ApiModel model = new ApiModel();
    List<JsonObject> docs = new ArrayList<>();
    for (Path file : files) {
      docs.add(
          JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject());
    }
    // Aliases and enums first: types and messages refer to them by name across files.
    for (JsonObject doc : docs) {
      for (Map.Entry<String, JsonElement> a : doc.getAsJsonObject("aliases").entrySet()) {
        model.aliases.put(a.getKey(), a.getValue().getAsJsonObject());
      }
      for (JsonElement e : doc.getAsJsonArray("enums")) {
        EnumDef def = model.parseEnum(e.getAsJsonArray());
        model.enums.putIfAbsent(def.name(), def);
      }
      if (!doc.getAsJsonArray("enumflags").isEmpty()) {
        throw new IllegalArgumentException("enumflags are not supported: " + doc.get("enumflags"));
      }
    }
    for (int i = 0; i < docs.size(); i++) {
      JsonObject doc = docs.get(i);
      String module = files.get(i).getFileName().toString().replace(".api.json", "");
      for (JsonElement t : doc.getAsJsonArray("types")) {
        model.addStruct(model.parseStruct(t.getAsJsonArray(), false, module, false));
      }
      for (JsonElement u : doc.getAsJsonArray("unions")) {
        model.addStruct(model.parseStruct(u.getAsJsonArray(), true, module, false));
      }
      List<StructDef> messages = new ArrayList<>();
      for (JsonElement m : doc.getAsJsonArray("messages")) {
        StructDef def = model.parseStruct(m.getAsJsonArray(), false, module, true);
        model.addStruct(def);
        messages.add(def);
      }
      long crc = Long.decode(doc.get("vl_api_version").getAsString());
      model.modules.add(new Module(module, crc, messages));
    }
    for (Composite c : model.unresolved) {
      c.def = model.structs.get(c.name);
      if (c.def == null) {
        throw new IllegalArgumentException("unknown type vl_api_" + c.name + "_t");
      }
    }
    return model;
  }

  private void addStruct(StructDef def) {
    StructDef previous = structs.putIfAbsent(def.name(), def);
    if (previous != null && previous.fields().size() != def.fields().size()) {
      throw new IllegalArgumentException("type " + def.name() + " is defined twice, differently");
    }
  }

  private EnumDef parseEnum(JsonArray json) {
    String name = json.get(0).getAsString();
    Map<String, Long> constants = new LinkedHashMap<>();
    Primitive underlying = PRIMITIVES.get("u32");
    for (int i = 1; i < json.size(); i++) {
      JsonElement e = json.get(i);
      if (e.isJsonObject()) {
        underlying = primitive(e.getAsJsonObject().get("enumtype").getAsString());
      } else {
        constants.put(
            e.getAsJsonArray().get(0).getAsString(), e.getAsJsonArray().get(1).getAsLong());
      }
    }
    return new EnumDef(name, underlying, constants);
  }

  private StructDef parseStruct(JsonArray json, boolean union, String module, boolean message) {
    String name = json.get(0).getAsString();
    List<Field> fields = new ArrayList<>();
    long crc = -1;
    for (int i = 1; i < json.size(); i++) {
      JsonElement e = json.get(i);
      if (e.isJsonObject()) {
        if (e.getAsJsonObject().has("crc")) {
          crc = Long.decode(e.getAsJsonObject().get("crc").getAsString());
        }
        continue;
      }
      fields.add(parseField(name, e.getAsJsonArray()));
    }
    if (message && crc < 0) {
      throw new IllegalArgumentException("message " + name + " has no crc");
    }
    return new StructDef(name, union, List.copyOf(fields), module, message ? crc : -1);
  }

  private Field parseField(String owner, JsonArray json) {
    String typeName = json.get(0).getAsString();
    String name = json.get(1).getAsString();
    int arrayLength = -1;
    String countField = null;
    if (json.size() > 2 && json.get(2).isJsonPrimitive()) {
      arrayLength = json.get(2).getAsInt();
      if (json.size() > 3 && json.get(3).isJsonPrimitive()) {
        countField = json.get(3).getAsString();
      }
    }
    if (typeName.equals("string")) {
      return new Field(name, new Str(Math.max(arrayLength, 0)), -1, null);
    }
    Field resolved = resolveAlias(typeName, name, arrayLength, countField);
    if (resolved.arrayLength() == 0 && resolved.countField() == null) {
      throw new IllegalArgumentException(owner + "." + name + ": variable array without a count");
    }
    return resolved;
  }

  private Field resolveAlias(String typeName, String name, int arrayLength, String countField) {
    String bare =
        typeName.startsWith("vl_api_") ? typeName.substring(7, typeName.length() - 2) : "";
    JsonObject alias = aliases.get(bare);
    if (alias != null) {
      int aliasLength = alias.has("length") ? alias.get("length").getAsInt() : -1;
      if (aliasLength >= 0 && arrayLength >= 0) {
        throw new IllegalArgumentException(name + ": array of an array alias " + typeName);
      }
      return resolveAlias(
          alias.get("type").getAsString(),
          name,
          aliasLength >= 0 ? aliasLength : arrayLength,
          countField);
    }
    Type type;
    if (PRIMITIVES.containsKey(typeName)) {
      type = PRIMITIVES.get(typeName);
    } else if (enums.containsKey(bare)) {
      type = new EnumRef(enums.get(bare));
    } else if (!bare.isEmpty()) {
      Composite c = new Composite(bare);
      unresolved.add(c);
      type = c;
    } else {
      throw new IllegalArgumentException(name + ": unknown type " + typeName);
    }
    return new Field(name, type, arrayLength, countField);
  }

  private static Primitive primitive(String name) {
    Primitive p = PRIMITIVES.get(name);
    if (p == null) {
      throw new IllegalArgumentException("unknown primitive " + name);
    }
    return p;
  }
}
