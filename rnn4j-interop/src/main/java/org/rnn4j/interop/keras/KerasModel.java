package org.rnn4j.interop.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.rnn4j.Tensor;
import org.rnn4j.interop.ImportException;

/**
 * A Keras model read from a Keras 3 {@code .keras} file (a zip of {@code config.json},
 * {@code metadata.json} and {@code model.weights.h5}) or a legacy HDF5 {@code .h5} file (written by
 * Keras 2 or by Keras 3's legacy writer: root attributes {@code model_config} and
 * {@code keras_version}, weights under {@code /model_weights/<layer>} in the order of each layer's
 * {@code weight_names}; Keras 1's config keys and per-gate recurrent weights are read too), or a
 * {@code to_json} config with a {@code save_weights} HDF5 file. HDF5 is read with jhdf, a pure-Java
 * library.
 *
 * <p>Sequential models and functional models that are a single chain of these layers are read:
 * InputLayer, Masking, Embedding ({@code mask_zero}), SimpleRNN, LSTM, GRU ({@code reset_after} true
 * or false), Bidirectional (merge modes concat, sum, mul, ave), Dense, Dropout (identity at
 * inference), TimeDistributed(Dense), Flatten, Activation. Anything else is refused with the layer's class and
 * name. Recurrent layers keep Keras's semantics (return_sequences, go_backwards, masking, Keras 2 or 3
 * hard_sigmoid by the file's Keras version) and run on rnn4j's engine: their weights are transposed
 * and permuted from Keras's gate order (LSTM i,f,c,o; GRU z,r,h) into rnn4j's (i,f,g,o; r,z,n).
 *
 * <p>Immutable after loading; {@link #run} is safe to call from several threads.
 */
public final class KerasModel {
  /** Largest weight tensor accepted (values). */
  static final long MAX_WEIGHT_VALUES = 1L << 28;
  /** Largest entry of a .keras zip read into memory. */
  static final long MAX_ENTRY_BYTES = 1L << 30;

  /** The file (or config and weights files) named in messages. */
  private final String file;
  private final String kerasVersion;
  private final String backend;
  private final List<KerasLayer> layers;

  private KerasModel(String file, String kerasVersion, String backend, List<KerasLayer> layers) {
    this.file = file;
    this.kerasVersion = kerasVersion;
    this.backend = backend;
    this.layers = List.copyOf(layers);
  }

  /**
   * Loads a {@code .keras} or {@code .h5} file (recognised by its first bytes).
   *
   * @throws ImportException naming the file and the part (layer, weight path, config key) that is wrong
   */
  public static KerasModel load(Path file) throws IOException {
    byte[] magic = new byte[8];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(magic, 0, 8);
    } catch (NoSuchFileException e) {
      throw new ImportException(file + ": no such file");
    }
    if (n >= 2 && magic[0] == 'P' && magic[1] == 'K') {
      return loadKeras3(file);
    }
    if (n == 8 && (magic[0] & 0xff) == 0x89 && magic[1] == 'H' && magic[2] == 'D' && magic[3] == 'F') {
      return loadLegacyH5(file);
    }
    throw new ImportException(file + ": neither a .keras zip nor an HDF5 .h5 file (first bytes "
        + hex(magic, n) + ")");
  }

  /**
   * Loads a model saved as two files, as {@code model.to_json()} and {@code model.save_weights(...)}
   * of Keras 1 and 2 (and tf.keras) write them: the architecture as JSON and the weights as a legacy
   * HDF5 weights file (one group per layer with its {@code weight_names}). The Keras version is the
   * JSON's {@code keras_version}, or else the weights file's.
   *
   * @throws ImportException naming the file and the part (layer, weight path, config key) that is wrong
   */
  public static KerasModel load(Path configJson, Path weightsH5) throws IOException {
    byte[] text;
    try {
      text = Files.readAllBytes(configJson);
    } catch (NoSuchFileException e) {
      throw new ImportException(configJson + ": no such file");
    }
    JsonNode cfg = json(text, configJson + "");
    if (!Files.exists(weightsH5)) {
      throw new ImportException(weightsH5 + ": no such file");
    }
    try (HdfFile h5 = openH5(weightsH5)) {
      if (h5.getAttribute("layer_names") == null) {
        throw new ImportException(weightsH5 + ": not a Keras weights file (the HDF5 root has no layer_names"
            + " attribute; a Keras 3 .weights.h5 is read as part of its .keras file)");
      }
      String version = cfg.path("keras_version").asText("");
      if (version.isEmpty()) {
        String v = stringAttr(h5, "keras_version");
        version = v == null ? "" : v;
      }
      if (version.isEmpty()) {
        throw new ImportException(configJson + ": names no keras_version, nor does " + weightsH5.getFileName()
            + "; rnn4j needs it to know which hard_sigmoid the model uses");
      }
      String backend = cfg.path("backend").asText("");
      String both = configJson + " with " + weightsH5.getFileName();
      WeightSource src = (name, kind) -> legacyWeights(h5, both, name);
      return build(both, cfg, version, backend, src);
    } catch (ImportException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ImportException(weightsH5 + ": cannot be read as HDF5 (truncated or corrupted?): " + e, e);
    }
  }

  /** The Keras version that wrote the file ({@code 2.1.3}, {@code 3.15.1}). */
  public String kerasVersion() {
    return kerasVersion;
  }

  /** The backend the file names, or "" when it names none. */
  public String backend() {
    return backend;
  }

  /** True when the file was written by Keras 3 or later (its hard_sigmoid is {@code clip(x/6 + 1/2)}). */
  public boolean isKeras3() {
    return majorVersion(kerasVersion) >= 3;
  }

  /** The layers' names in order (InputLayer included when the config has one). */
  public List<String> layerNames() {
    List<String> l = new ArrayList<>();
    for (KerasLayer k : layers) {
      l.add(k.name());
    }
    return l;
  }

  /** The layers' Keras class names in order. */
  public List<String> layerClasses() {
    List<String> l = new ArrayList<>();
    for (KerasLayer k : layers) {
      l.add(k.className());
    }
    return l;
  }

  /** Total number of weight values, as Keras's {@code count_params}. */
  public long parameterCount() {
    long n = 0;
    for (KerasLayer k : layers) {
      n += k.parameterCount();
    }
    return n;
  }

  /**
   * Runs the model on a batch and returns the output of every layer by name, in layer order
   * ({@code [B, T, F]} for sequences, {@code [B, F]} for vectors).
   *
   * @param input {@code [B, T, F]} features, or {@code [B, T]} token ids (as floats) for a model that
   *              starts with an Embedding
   * @throws ImportException naming the layer and the expected and received shapes
   */
  public Map<String, Tensor> run(Tensor input) throws ImportException {
    KerasLayer.Flow f = new KerasLayer.Flow(input.data(), input.shape(), null);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (KerasLayer l : layers) {
      try {
        f = l.forward(f);
      } catch (IllegalArgumentException e) {
        throw new ImportException(file + ": layer '" + l.name() + "' (" + l.className() + "): " + e.getMessage(), e);
      }
      out.put(l.name(), new Tensor(f.data(), f.shape()));
    }
    return Collections.unmodifiableMap(out);
  }

  /** The last layer's output. */
  public Tensor predict(Tensor input) throws ImportException {
    Map<String, Tensor> all = run(input);
    return all.get(layers.get(layers.size() - 1).name());
  }

  /**
   * The same network as an rnn4j {@link org.rnn4j.Model} (same layer names; Keras's weights in
   * PyTorch's layout), for saving as an rnn4j model file and training on.
   *
   * @throws ImportException naming the layer whose semantics an rnn4j model cannot express yet
   *     (masking, go_backwards, softmax Dense, Activation layers)
   */
  public org.rnn4j.Model toModel() throws ImportException {
    return KerasToModel.convert(file, layers);
  }

  @Override
  public String toString() {
    return "Keras " + kerasVersion + " model " + file + " " + layerClasses();
  }

  // ---- Keras 3 .keras ---------------------------------------------------------------------------------

  private static KerasModel loadKeras3(Path file) throws IOException {
    byte[] config;
    byte[] metadata;
    byte[] weights;
    try (ZipFile zip = new ZipFile(file.toFile())) {
      config = entry(zip, "config.json", file, true);
      metadata = entry(zip, "metadata.json", file, false);
      weights = entry(zip, "model.weights.h5", file, true);
    } catch (java.util.zip.ZipException e) {
      throw new ImportException(file + ": not a readable .keras zip (truncated or corrupted): " + e.getMessage(), e);
    } catch (ImportException e) {
      throw e;
    } catch (IOException e) {
      throw new ImportException(file + ": cannot be read as a .keras zip (truncated or corrupted?): " + e, e);
    }
    JsonNode cfg = json(config, file + ": config.json");
    String version = "";
    if (metadata != null) {
      version = json(metadata, file + ": metadata.json").path("keras_version").asText("");
    }
    if (version.isEmpty()) {
      throw new ImportException(file + ": metadata.json names no keras_version; rnn4j needs it to know which"
          + " hard_sigmoid the model uses");
    }
    try (HdfFile h5 = hdf(weights, file)) {
      WeightSource src = (name, kind) -> keras3Weights(h5, file, name, kind);
      return build(file.toString(), cfg, version, "", src);
    } catch (RuntimeException e) {
      throw new ImportException(file + ": model.weights.h5 cannot be read as HDF5 (corrupted?): " + e, e);
    }
  }

  private static HdfFile hdf(byte[] bytes, Path file) throws ImportException {
    try {
      return HdfFile.fromBytes(bytes);
    } catch (RuntimeException e) {
      throw new ImportException(file + ": model.weights.h5 is not a readable HDF5 file: " + e.getMessage(), e);
    }
  }

  /** The weights of a layer of a .keras file: {@code layers/<name>/[cell|forward_layer/cell|...]/vars/<i>}. */
  private static List<float[][]> keras3Weights(HdfFile h5, Path file, String layer, String part)
      throws ImportException {
    String path = "/layers/" + layer + (part.isEmpty() ? "" : "/" + part) + "/vars";
    Node n = child(h5, path);
    if (n == null && part.endsWith("cell")) {
      // some writers keep an RNN's variables on the layer itself
      n = child(h5, "/layers/" + layer + "/" + part.substring(0, Math.max(0, part.length() - 4)) + "vars");
    }
    if (!(n instanceof Group g)) {
      throw new ImportException(file + ": model.weights.h5 has no group " + path + " for layer '" + layer + "'");
    }
    List<float[][]> out = new ArrayList<>();
    for (int i = 0; ; i++) {
      Node v = g.getChild(Integer.toString(i));
      if (v == null) {
        break;
      }
      out.add(read(v, file.toString(), path + "/" + i));
    }
    return out;
  }

  private static Node child(HdfFile h5, String path) {
    try {
      return h5.getByPath(path);
    } catch (RuntimeException e) {
      return null; // jhdf throws for a missing path
    }
  }

  // ---- legacy .h5 -------------------------------------------------------------------------------------

  private static KerasModel loadLegacyH5(Path file) throws IOException {
    try (HdfFile h5 = openH5(file)) {
      String cfgText = stringAttr(h5, "model_config");
      if (cfgText == null) {
        throw new ImportException(file + ": HDF5 file without a model_config attribute: a weights-only file"
            + " (save_weights) holds no architecture; save the whole model");
      }
      JsonNode cfg = json(cfgText.getBytes(StandardCharsets.UTF_8), file + ": model_config");
      String version = stringAttr(h5, "keras_version");
      if (version == null) {
        throw new ImportException(file + ": no keras_version attribute; rnn4j needs it to know which hard_sigmoid"
            + " the model uses");
      }
      String backend = stringAttr(h5, "backend");
      Node mw = child(h5, "/model_weights");
      Group weightsRoot = mw instanceof Group g ? g : h5;
      WeightSource src = (name, kind) -> legacyWeights(weightsRoot, file.toString(), name);
      return build(file.toString(), cfg, version, backend == null ? "" : backend, src);
    } catch (ImportException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ImportException(file + ": cannot be read as HDF5 (truncated or corrupted?): " + e, e);
    }
  }

  /**
   * A legacy HDF5 file read into memory first (at most {@link #MAX_ENTRY_BYTES}): jhdf reading a file
   * allocates the sizes a corrupted object header claims before it finds them past the end, while
   * over a byte array it only slices, so a truncated file costs its own size, not hundreds of MB.
   */
  private static HdfFile openH5(Path file) throws IOException {
    long size;
    try {
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw new ImportException(file + ": no such file");
    }
    if (size > MAX_ENTRY_BYTES) {
      throw new ImportException(file + ": " + size + " bytes, more than the " + MAX_ENTRY_BYTES + " accepted");
    }
    byte[] bytes = Files.readAllBytes(file);
    try {
      return HdfFile.fromBytes(bytes);
    } catch (RuntimeException e) {
      throw new ImportException(file + ": not a readable HDF5 file (truncated or corrupted?): " + e.getMessage(), e);
    }
  }

  /** All weights of a layer, in the order of its {@code weight_names} attribute. */
  private static List<float[][]> legacyWeights(Group root, String file, String layer) throws ImportException {
    Node n = root.getChild(layer);
    if (!(n instanceof Group g)) {
      throw new ImportException(file + ": no weight group " + root.getPath() + layer + " for layer '" + layer + "'");
    }
    Attribute a = g.getAttribute("weight_names");
    List<String> names = new ArrayList<>();
    if (a != null) {
      Object d = a.getData();
      if (d instanceof String[] arr) {
        names.addAll(Arrays.asList(arr));
      } else if (d instanceof String s) {
        names.add(s);
      }
    }
    // a Bidirectional's weights: the forward layer's first, whatever order the writer used
    List<String> ordered = new ArrayList<>();
    for (String w : names) {
      if (!w.contains("backward_")) {
        ordered.add(w);
      }
    }
    for (String w : names) {
      if (w.contains("backward_")) {
        ordered.add(w);
      }
    }
    List<float[][]> out = new ArrayList<>();
    for (String w : ordered) {
      Node v;
      try {
        v = g.getByPath(w);
      } catch (RuntimeException e) {
        throw new ImportException(file + ": weight '" + w + "' listed in " + g.getPath() + " weight_names is missing");
      }
      out.add(read(v, file, g.getPath() + "/" + w));
    }
    return Keras1Gates.merge(file + ": " + g.getPath(), ordered, out);
  }

  private static String stringAttr(Node n, String name) {
    Attribute a = n.getAttribute(name);
    if (a == null) {
      return null;
    }
    Object d = a.getData();
    if (d instanceof String s) {
      return s;
    }
    if (d instanceof String[] arr && arr.length == 1) {
      return arr[0];
    }
    return null;
  }

  // ---- shared -----------------------------------------------------------------------------------------

  /** A weight as {shape (as float), data}: index 0 holds the dimensions, index 1 the values. */
  private static float[][] read(Node v, String file, String path) throws ImportException {
    if (!(v instanceof Dataset ds)) {
      throw new ImportException(file + ": " + path + " is not a dataset");
    }
    if (ds.getSize() > MAX_WEIGHT_VALUES) {
      throw new ImportException(file + ": " + path + " holds " + ds.getSize() + " values, more than the "
          + MAX_WEIGHT_VALUES + " accepted");
    }
    int[] dims = ds.getDimensions();
    Object flat = ds.getDataFlat();
    float[] data;
    if (flat instanceof float[] f) {
      data = f;
    } else if (flat instanceof double[] d) {
      data = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        data[i] = (float) d[i];
      }
    } else {
      throw new ImportException(file + ": " + path + " holds " + ds.getJavaType().getSimpleName()
          + " values, expected float32 or float64 weights");
    }
    long numel = 1;
    for (int d : dims) {
      numel *= d;
    }
    if (numel != data.length) {
      throw new ImportException(file + ": " + path + " has shape " + Arrays.toString(dims) + " but "
          + data.length + " values");
    }
    float[] shape = new float[dims.length];
    for (int i = 0; i < dims.length; i++) {
      shape[i] = dims[i];
    }
    return new float[][] {shape, data};
  }

  /** Supplies a layer's weights: {@code part} is the sub-path in a .keras file ("", "cell", ...). */
  interface WeightSource {
    List<float[][]> weights(String layer, String part) throws ImportException;
  }

  private static KerasModel build(String file, JsonNode cfg, String version, String backend, WeightSource src)
      throws ImportException {
    String cls = cfg.path("class_name").asText("");
    JsonNode config = cfg.get("config");
    JsonNode layerList;
    if (cls.equals("Sequential")) {
      layerList = config != null && config.isArray() ? config : config == null ? null : config.get("layers");
    } else if (cls.equals("Functional") || cls.equals("Model")) {
      layerList = config == null ? null : chain(file, config);
    } else {
      throw new ImportException(file + ": model class '" + cls + "' is not supported (rnn4j reads Sequential models"
          + " and functional models that are one chain of layers)");
    }
    if (layerList == null || !layerList.isArray() || layerList.size() == 0) {
      throw new ImportException(file + ": the model config lists no layers");
    }
    boolean keras3 = majorVersion(version) >= 3;
    List<KerasLayer> layers = new ArrayList<>();
    for (JsonNode l : layerList) {
      layers.add(KerasLayer.of(file, l, keras3, src));
    }
    return new KerasModel(file, version, backend, layers);
  }

  /** The layers of a functional model in order, checked to form one chain from input to output. */
  private static JsonNode chain(String file, JsonNode config) throws ImportException {
    JsonNode layers = config.get("layers");
    if (layers == null || !layers.isArray()) {
      return null;
    }
    String previous = null;
    for (JsonNode l : layers) {
      String name = l.path("config").path("name").asText(l.path("name").asText(""));
      List<String> inbound = new ArrayList<>();
      collectInbound(l.get("inbound_nodes"), inbound);
      boolean ok = previous == null ? inbound.isEmpty() : inbound.size() == 1 && inbound.get(0).equals(previous);
      if (!ok) {
        throw new ImportException(file + ": functional model: layer '" + name + "' takes " + inbound
            + (previous == null ? "" : ", expected only '" + previous + "'") + "; rnn4j reads functional models that"
            + " are one chain of layers");
      }
      previous = name;
    }
    return layers;
  }

  /** Layer names in inbound_nodes, Keras 2 ({@code [[["name", 0, 0, {}]]]}) or 3 ({@code keras_history}). */
  private static void collectInbound(JsonNode n, List<String> out) {
    if (n == null) {
      return;
    }
    if (n.isObject()) {
      JsonNode h = n.get("keras_history");
      if (h != null && h.isArray() && h.size() > 0) {
        out.add(h.get(0).asText());
        return;
      }
      n.forEach(c -> collectInbound(c, out));
    } else if (n.isArray()) {
      if (n.size() >= 3 && n.get(0).isTextual() && n.get(1).isNumber()) {
        out.add(n.get(0).asText());
        return;
      }
      n.forEach(c -> collectInbound(c, out));
    }
  }

  private static JsonNode json(byte[] bytes, String where) throws ImportException {
    try {
      return new ObjectMapper().readTree(bytes);
    } catch (IOException e) {
      throw new ImportException(where + " is not valid JSON: " + e.getMessage());
    }
  }

  private static byte[] entry(ZipFile zip, String name, Path file, boolean required) throws IOException {
    ZipEntry e = zip.getEntry(name);
    if (e == null) {
      if (required) {
        throw new ImportException(file + ": the .keras zip has no " + name + " entry");
      }
      return null;
    }
    if (e.getSize() > MAX_ENTRY_BYTES) {
      throw new ImportException(file + ": entry " + name + " declares " + e.getSize() + " bytes, more than the "
          + MAX_ENTRY_BYTES + " accepted");
    }
    try (InputStream in = zip.getInputStream(e)) {
      byte[] b = in.readNBytes((int) (e.getSize() >= 0 ? e.getSize() : MAX_ENTRY_BYTES));
      if (in.read() >= 0) {
        throw new ImportException(file + ": entry " + name + " holds more bytes than it declares (corrupted zip?)");
      }
      return b;
    }
  }

  static int majorVersion(String v) {
    try {
      return Integer.parseInt(v.trim().split("\\.")[0]);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  private static String hex(byte[] b, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(String.format("%02x", b[i] & 0xff));
    }
    return sb.length() == 0 ? "(empty file)" : sb.toString();
  }
}
