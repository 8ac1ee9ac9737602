package org.rnn4j.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.Model;
import org.rnn4j.ModelSpec;
import org.rnn4j.internal.io.Json;
import org.rnn4j.nn.Activation;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.DenseActivation;
import org.rnn4j.nn.DenseSpec;
import org.rnn4j.nn.DropoutSpec;
import org.rnn4j.nn.EmbeddingSpec;
import org.rnn4j.nn.Init;
import org.rnn4j.nn.LayerSpec;
import org.rnn4j.nn.Loss;
import org.rnn4j.nn.MergeMode;
import org.rnn4j.nn.PoolingSpec;
import org.rnn4j.nn.RecurrentLayerSpec;
import org.rnn4j.nn.RecurrentSpec;

/**
 * The rnn4j model file: one safetensors file whose tensors carry the model's PyTorch-style parameter
 * names and whose {@code __metadata__} holds {@code format = rnn4j-model}, {@code format_version}, the
 * model config as JSON ({@code rnn4j.config}) and any caller metadata (vocabulary, scalers, training
 * information) under the caller's keys. Loading is strict: every parameter must be present with its
 * exact shape, and nothing else may be. Written atomically. Stateless and thread-safe.
 */
public final class ModelFiles {
  /** The format name stored in every model file. */
  public static final String FORMAT = "rnn4j-model";
  /** The format version this code writes; it reads versions 1 .. this. */
  public static final int FORMAT_VERSION = 1;

  private ModelFiles() {
  }

  /**
   * A loaded model with the caller metadata stored beside it; {@code members} holds every model of an
   * ensemble file ({@link #saveEnsemble}), the first being {@code model}, or just {@code model}.
   */
  public record Loaded(Model model, Map<String, String> metadata, int formatVersion, List<Model> members) {
    public Loaded(Model model, Map<String, String> metadata, int formatVersion) {
      this(model, metadata, formatVersion, List.of(model));
    }
  }

  /** Saves a model and extra metadata (keys must not start with {@code rnn4j.} or be {@code format}). */
  public static void save(Model model, Path file, Map<String, String> extra) throws IOException {
    saveEnsemble(List.of(model), file, extra);
  }

  /**
   * Saves an ensemble: models of one spec (same shapes, other weights) whose forecasts a caller
   * combines. The first member's tensors keep their plain names, so every reader of single models
   * (inspect, export) sees the first member; member {@code k >= 1} is stored with names prefixed {@code
   * member<k>.}, and {@code rnn4j.members} holds the count.
   *
   * @throws IllegalArgumentException if there is no member or the members' specs differ
   */
  public static void saveEnsemble(List<Model> members, Path file, Map<String, String> extra) throws IOException {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("model file: expected at least one model to save, got none");
    }
    Model model = members.get(0);
    for (Model m : members) {
      if (!m.spec().equals(model.spec())) {
        throw new IllegalArgumentException("model file: expected ensemble members of one spec, got "
            + model.spec() + " and " + m.spec());
      }
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", FORMAT);
    meta.put("format_version", Integer.toString(FORMAT_VERSION));
    meta.put("rnn4j.config", Json.write(specToJson(model.spec())));
    meta.put("rnn4j.seed", Long.toString(model.seed()));
    if (members.size() > 1) {
      meta.put("rnn4j.members", Integer.toString(members.size()));
    }
    addExtra(meta, extra, "model file");
    List<SafeTensors.Tensor> tensors = new ArrayList<>();
    for (int k = 0; k < members.size(); k++) {
      String prefix = k == 0 ? "" : "member" + k + ".";
      for (String name : model.parameterNames()) {
        tensors.add(new SafeTensors.Tensor(prefix + name, model.parameterShape(name),
            members.get(k).parameter(name)));
      }
    }
    SafeTensors.write(file, meta, tensors);
  }

  /**
   * Saves a task's model: its metadata is {@code task}, then the task's own entries, then the caller's
   * {@code extra} ({@link #addExtra}); {@link #loadTask} reads it back.
   *
   * @param what the task's model in messages ("text classifier")
   */
  public static void saveTask(Model model, Path file, String task, Map<String, String> own, Map<String, String> extra,
      String what) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("task", task);
    meta.putAll(own);
    addExtra(meta, extra, what);
    save(model, file, meta);
  }

  /**
   * Adds {@code extra} (may be null) to {@code meta}, refusing a key {@code meta} already holds or one
   * of the {@code rnn4j.} keys this class writes: what a task's file adds cannot replace what makes it
   * that task's file.
   *
   * @param what names the file kind in the message ("text classifier")
   * @throws IllegalArgumentException naming the reserved key
   */
  public static void addExtra(Map<String, String> meta, Map<String, String> extra, String what) {
    if (extra == null) {
      return;
    }
    for (Map.Entry<String, String> e : extra.entrySet()) {
      if (meta.containsKey(e.getKey()) || e.getKey().startsWith("rnn4j.")) {
        throw new IllegalArgumentException(what + ": metadata key '" + e.getKey() + "' is reserved");
      }
      meta.put(e.getKey(), e.getValue());
    }
  }

  /** The task a file's metadata records, for messages: {@code 'forecast'}, or "not recorded". */
  public static String describeTask(Map<String, String> meta) {
    String task = meta.get("task");
    return task == null || task.isEmpty() ? "not recorded" : "'" + task + "'";
  }

  /**
   * Loads a model file of one task ({@code task} in its metadata).
   *
   * @param what the task's files, for the message ("a text classifier")
   * @throws IOException naming the file when it is not an rnn4j model file or holds another task
   */
  public static Loaded loadTask(Path file, String task, String what) throws IOException {
    Loaded l = load(file);
    if (!task.equals(l.metadata().get("task"))) {
      throw new IOException(file + ": not " + what + " (its task is " + describeTask(l.metadata()) + ", expected '"
          + task + "')");
    }
    return l;
  }

  /**
   * Loads a model file.
   *
   * @throws IOException naming the file and what is wrong: not an rnn4j file, a newer format version,
   *     a missing or extra tensor, a shape mismatch (with both shapes)
   */
  public static Loaded load(Path file) throws IOException {
    SafeTensors.Contents c = SafeTensors.read(file);
    Map<String, String> meta = c.metadata();
    if (!FORMAT.equals(meta.get("format"))) {
      throw new IOException(file + ": not an rnn4j model file (metadata format is "
          + (meta.get("format") == null ? "missing" : "'" + meta.get("format") + "'")
          + "); to bring in a PyTorch state dict use 'rnn4j import'");
    }
    int version;
    try {
      version = Integer.parseInt(meta.getOrDefault("format_version", ""));
    } catch (NumberFormatException e) {
      throw new IOException(file + ": format_version is missing or not a number: '"
          + meta.get("format_version") + "'");
    }
    if (version < 1 || version > FORMAT_VERSION) {
      throw new IOException(file + ": written in rnn4j model format version " + version + "; this rnn4j reads"
          + " versions 1 to " + FORMAT_VERSION + (version > FORMAT_VERSION ? ": upgrade rnn4j to load it" : ""));
    }
    ModelSpec spec;
    try {
      spec = specFromJson(Json.parse(meta.getOrDefault("rnn4j.config", "null")));
    } catch (RuntimeException e) {
      throw new IOException(file + ": the model config is invalid: " + e.getMessage());
    }
    long seed = Long.parseLong(meta.getOrDefault("rnn4j.seed", "0"));
    int count;
    try {
      count = Integer.parseInt(meta.getOrDefault("rnn4j.members", "1"));
    } catch (NumberFormatException e) {
      throw new IOException(file + ": rnn4j.members is not a number: '" + meta.get("rnn4j.members") + "'");
    }
    if (count < 1) {
      throw new IOException(file + ": rnn4j.members must be at least 1, got " + count);
    }
    List<Model> members = new ArrayList<>();
    java.util.Set<String> expected = new java.util.HashSet<>();
    for (int k = 0; k < count; k++) {
      String prefix = k == 0 ? "" : "member" + k + ".";
      Model model = Model.create(spec, seed);
      for (String name : model.parameterNames()) {
        SafeTensors.Tensor t = c.tensors().get(prefix + name);
        expected.add(prefix + name);
        if (t == null) {
          throw new IOException(file + ": tensor '" + prefix + name + "' of shape "
              + Arrays.toString(model.parameterShape(name)) + " is missing");
        }
        if (!Arrays.equals(t.shape(), model.parameterShape(name))) {
          throw new IOException(file + ": tensor '" + prefix + name + "': expected shape "
              + Arrays.toString(model.parameterShape(name)) + ", found " + Arrays.toString(t.shape()));
        }
        model.setParameter(name, t.data());
      }
      members.add(model);
    }
    for (String name : c.tensors().keySet()) {
      if (!expected.contains(name)) {
        throw new IOException(file + ": unexpected tensor '" + name + "' (not a parameter of the model in"
            + " the config)");
      }
    }
    Map<String, String> extra = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : meta.entrySet()) {
      if (!e.getKey().startsWith("rnn4j.") && !e.getKey().equals("format")
          && !e.getKey().equals("format_version")) {
        extra.put(e.getKey(), e.getValue());
      }
    }
    return new Loaded(members.get(0), extra, version, List.copyOf(members));
  }

  // ---- config as JSON ------------------------------------------------------------------------------

  /**
   * The model's configuration as the JSON text stored in a model file's {@code rnn4j.config}: a
   * compact, version-stable way to send a {@link ModelSpec} elsewhere (another process, a cluster's
   * executors) and rebuild it with {@link #specFromJsonText(String)}.
   */
  public static String specToJsonText(ModelSpec spec) {
    if (spec == null) {
      throw new IllegalArgumentException("model config: expected a ModelSpec, got null");
    }
    return Json.write(specToJson(spec));
  }

  /**
   * The {@link ModelSpec} of a JSON text written by {@link #specToJsonText(ModelSpec)}.
   *
   * @throws IllegalArgumentException when the text is not such a config (with the reason)
   */
  public static ModelSpec specFromJsonText(String json) {
    try {
      return specFromJson(Json.parse(json));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("model config: expected the JSON of a ModelSpec, got an invalid one: "
          + e.getMessage(), e);
    }
  }

  static Map<String, Object> specToJson(ModelSpec spec) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("input_features", (long) spec.inputFeatures());
    Map<String, Object> loss = new LinkedHashMap<>();
    loss.put("kind", spec.loss().kind().name());
    loss.put("delta", (double) spec.loss().delta());
    if (!spec.loss().quantiles().isEmpty()) {
      List<Object> levels = new ArrayList<>();
      for (float q : spec.loss().quantiles()) {
        levels.add((double) q);
      }
      loss.put("quantiles", levels);
    }
    m.put("loss", loss);
    List<Object> layers = new ArrayList<>();
    for (LayerSpec l : spec.layers()) {
      Map<String, Object> j = new LinkedHashMap<>();
      j.put("name", l.name());
      if (l instanceof EmbeddingSpec e) {
        j.put("type", "embedding");
        j.put("vocab_size", (long) e.vocabSize());
        j.put("dim", (long) e.dim());
        j.put("padding_index", (long) e.paddingIndex());
      } else if (l instanceof DropoutSpec d) {
        j.put("type", "dropout");
        j.put("rate", (double) d.rate());
      } else if (l instanceof PoolingSpec p) {
        j.put("type", "pooling");
        j.put("mode", p.mode().name());
      } else if (l instanceof DenseSpec d) {
        j.put("type", "dense");
        j.put("units", (long) d.units());
        j.put("activation", d.activation().name());
        j.put("bias", d.bias());
      } else {
        RecurrentLayerSpec r = (RecurrentLayerSpec) l;
        RecurrentSpec s = r.rnn();
        j.put("type", "recurrent");
        j.put("cell", s.cell().name());
        j.put("input_size", (long) s.inputSize());
        j.put("hidden_size", (long) s.hiddenSize());
        j.put("num_layers", (long) s.numLayers());
        j.put("bias", s.bias());
        j.put("dropout", (double) s.dropout());
        j.put("bidirectional", s.bidirectional());
        j.put("reverse", s.reverse());
        j.put("proj_size", (long) s.projSize());
        j.put("peepholes", s.peepholes());
        j.put("reset_after", s.resetAfter());
        j.put("clip", s.clip() == null ? null : (double) s.clip());
        j.put("input_forget", s.inputForget());
        List<Object> acts = new ArrayList<>();
        for (Activation a : s.activations()) {
          Map<String, Object> am = new LinkedHashMap<>();
          am.put("name", a.kind().onnxName());
          am.put("alpha", (double) a.alpha());
          am.put("beta", (double) a.beta());
          acts.add(am);
        }
        j.put("activations", acts);
        j.put("recurrent_dropout", (double) s.recurrentDropout());
        j.put("return_sequences", r.returnSequences());
        j.put("merge_mode", r.mergeMode().name());
        j.put("init", r.init().name());
      }
      layers.add(j);
    }
    m.put("layers", layers);
    return m;
  }

  @SuppressWarnings("unchecked")
  static ModelSpec specFromJson(Object json) {
    if (!(json instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    Map<String, Object> m = (Map<String, Object>) json;
    Map<String, Object> lossJ = (Map<String, Object>) m.get("loss");
    List<Float> levels = new ArrayList<>();
    if (lossJ.get("quantiles") instanceof List<?> qs) {
      for (Object q : qs) {
        levels.add(num(q).floatValue());
      }
    }
    Loss loss = new Loss(Loss.Kind.valueOf((String) lossJ.get("kind")), num(lossJ.get("delta")).floatValue(),
        levels);
    List<LayerSpec> layers = new ArrayList<>();
    for (Object o : (List<Object>) m.get("layers")) {
      Map<String, Object> j = (Map<String, Object>) o;
      String name = (String) j.get("name");
      switch ((String) j.get("type")) {
        case "embedding":
          layers.add(new EmbeddingSpec(name, num(j.get("vocab_size")).intValue(), num(j.get("dim")).intValue(),
              num(j.get("padding_index")).intValue()));
          break;
        case "dropout":
          layers.add(new DropoutSpec(name, num(j.get("rate")).floatValue()));
          break;
        case "pooling":
          layers.add(new PoolingSpec(name, PoolingSpec.Mode.valueOf((String) j.get("mode"))));
          break;
        case "dense":
          layers.add(new DenseSpec(name, num(j.get("units")).intValue(),
              DenseActivation.valueOf((String) j.get("activation")), (Boolean) j.get("bias")));
          break;
        case "recurrent": {
          List<Activation> acts = new ArrayList<>();
          for (Object a : (List<Object>) j.get("activations")) {
            Map<String, Object> am = (Map<String, Object>) a;
            acts.add(new Activation(Activation.Kind.fromOnnxName((String) am.get("name")),
                num(am.get("alpha")).floatValue(), num(am.get("beta")).floatValue()));
          }
          RecurrentSpec s = new RecurrentSpec(CellType.valueOf((String) j.get("cell")),
              num(j.get("input_size")).intValue(), num(j.get("hidden_size")).intValue(),
              num(j.get("num_layers")).intValue(), (Boolean) j.get("bias"), false,
              num(j.get("dropout")).floatValue(), (Boolean) j.get("bidirectional"), (Boolean) j.get("reverse"),
              num(j.get("proj_size")).intValue(), (Boolean) j.get("peepholes"), (Boolean) j.get("reset_after"),
              j.get("clip") == null ? null : num(j.get("clip")).floatValue(), (Boolean) j.get("input_forget"),
              acts, j.containsKey("recurrent_dropout") ? num(j.get("recurrent_dropout")).floatValue() : 0f);
          layers.add(new RecurrentLayerSpec(name, s, (Boolean) j.get("return_sequences"),
              MergeMode.valueOf((String) j.get("merge_mode")), Init.valueOf((String) j.get("init"))));
          break;
        }
        default:
          throw new IllegalArgumentException("unknown layer type '" + j.get("type") + "'");
      }
    }
    return new ModelSpec(num(m.get("input_features")).intValue(), layers, loss);
  }

  private static Number num(Object o) {
    if (!(o instanceof Number n)) {
      throw new IllegalArgumentException("expected a number, got " + o);
    }
    return n;
  }
}
