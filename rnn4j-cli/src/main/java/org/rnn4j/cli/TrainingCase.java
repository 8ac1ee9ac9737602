package org.rnn4j.cli;

import static org.rnn4j.cli.CaseJson.bool;
import static org.rnn4j.cli.CaseJson.integer;
import static org.rnn4j.cli.CaseJson.opt;
import static org.rnn4j.cli.CaseJson.req;
import static org.rnn4j.cli.CaseJson.tensor;
import static org.rnn4j.cli.CaseJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rnn4j.Tensor;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.Recurrent;
import org.rnn4j.nn.RecurrentSpec;
import org.rnn4j.train.Adagrad;
import org.rnn4j.train.Adam;
import org.rnn4j.train.AdamW;
import org.rnn4j.train.Dense;
import org.rnn4j.train.GradientClipping;
import org.rnn4j.train.Losses;
import org.rnn4j.train.Optimizer;
import org.rnn4j.train.OptimizerSpec;
import org.rnn4j.train.RmsProp;
import org.rnn4j.train.Sgd;

/**
 * A training case ({@code rnn-torch-training/2}, and its special case
 * {@code rnn-holdout-torch-training/1}; TRAINING-FORMAT.md): a recurrent stack and a linear head
 * trained a few steps with rnn4j's own losses, clipping and optimizers, every step checked against
 * the float64 run: loss, gradient (after clipping), grad_norm/clip_coef and the raw gradient when
 * clipping, parameters after the update, and the final loss and parameters. Stateless.
 */
final class TrainingCase {
  static final String FORMAT_V1 = "rnn-holdout-torch-training/1";
  static final String FORMAT_V2 = "rnn-torch-training/2";

  private static final Set<String> RNN_KEYS = Set.of("mode", "input_size", "hidden_size", "num_layers", "bias",
      "bidirectional", "batch_first", "dropout", "proj_size");
  /** Optimizer arguments that do not change the numbers on CPU. */
  private static final Set<String> NO_OP_ARGS = Set.of("type", "foreach", "differentiable", "capturable", "fused",
      "maximize");

  private TrainingCase() {
  }

  /** The model and loss of a case, read once, shared by its runs. */
  private record Setup(RecurrentSpec spec, String prefix, int classes, boolean headBias, boolean lastStep,
      boolean crossEntropy, Float clip, Tensor x, float[] y, int[] targets, JsonNode initialParameters) {
  }

  /** One named slice of the flat parameter buffer (rnn parameters in order, then head.weight, head.bias). */
  private record Slot(String name, int offset, int[] shape) {
    int size() {
      int n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }
  }

  static void run(JsonNode root, Checker check) throws CaseException {
    boolean v1 = FORMAT_V1.equals(text(root, "format", ""));
    Setup setup = setup(root, v1);
    JsonNode optimizers = req(root, "optimizers", "");
    JsonNode runs = req(root, "runs", "");
    if (runs.size() == 0) {
      throw new CaseException("bad case file: no runs");
    }
    Integer numSteps = v1 || opt(root, "num_steps") == null ? null : integer(root, "num_steps", "");
    for (Map.Entry<String, JsonNode> run : runs.properties()) {
      String name = run.getKey();
      JsonNode entry = opt(optimizers, name);
      if (entry == null) {
        throw new CaseException("bad case file: run '" + name + "' has no entry in optimizers");
      }
      runOne(setup, name, entry, v1, req(run.getValue(), "float64", "runs." + name), numSteps, check);
    }
  }

  private static Setup setup(JsonNode root, boolean v1) throws CaseException {
    JsonNode model = req(root, "model", "");
    JsonNode r = req(model, v1 ? "lstm" : "rnn", "model");
    String where = v1 ? "model.lstm" : "model.rnn";
    for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!RNN_KEYS.contains(k)) {
        throw new CaseException("unsupported " + where + " argument '" + k + "'");
      }
    }
    JsonNode dropout = opt(r, "dropout");
    if (dropout != null && dropout.asDouble() != 0.0) {
      throw new CaseException("unsupported " + where + ".dropout = " + dropout);
    }
    CellType cell = v1 ? CellType.LSTM : TorchModuleCase.cellType(text(r, "mode", where));
    RecurrentSpec spec = RecurrentSpec.builder(cell, integer(r, "input_size", where), integer(r, "hidden_size", where))
        .numLayers(opt(r, "num_layers") == null ? 1 : integer(r, "num_layers", where))
        .bias(bool(r, "bias", where, true))
        .bidirectional(bool(r, "bidirectional", where, false))
        .batchFirst(bool(r, "batch_first", where, false))
        .projSize(opt(r, "proj_size") == null ? 0 : integer(r, "proj_size", where))
        .resetAfter(true)
        .build();

    JsonNode head = req(model, "head", "model");
    int in = integer(head, "in_features", "model.head");
    int classes = integer(head, "out_features", "model.head");
    if (in != spec.outputSize()) {
      throw new CaseException("bad case file: model.head.in_features " + in + " but the recurrent output has "
          + spec.outputSize() + " features");
    }
    String headOn = v1 ? "all_steps" : text(model, "head_on", "model");
    if (!headOn.equals("all_steps") && !headOn.equals("last_step")) {
      throw new CaseException("unsupported model.head_on '" + headOn + "'");
    }
    String loss = v1 ? "mse" : text(root, "loss", "");
    if (!loss.equals("mse") && !loss.equals("cross_entropy")) {
      throw new CaseException("unsupported loss '" + loss + "'");
    }
    Float clip = null;
    JsonNode clipNode = v1 ? null : opt(root, "clip_grad_norm");
    if (clipNode != null) {
      double c = CaseJson.toDouble(clipNode, "clip_grad_norm");
      if (!(c > 0) || Double.isInfinite(c)) {
        throw new CaseException("unsupported clip_grad_norm " + c);
      }
      clip = (float) c;
    }

    CaseJson.Tensor64 x = tensor(root, "x", "");
    CaseJson.Tensor64 y = tensor(root, "y", "");
    if (x.shape().length != 3) {
      throw new CaseException("bad case file: x has shape " + x.shapeString() + ", expected rank 3");
    }
    boolean lastStep = headOn.equals("last_step");
    // pred: all_steps [x0, x1, C], last_step [B, C]
    int batch = spec.batchFirst() ? x.shape()[0] : x.shape()[1];
    int[] predPrefix = lastStep ? new int[] {batch} : new int[] {x.shape()[0], x.shape()[1]};
    boolean ce = loss.equals("cross_entropy");
    int[] yShape = ce ? predPrefix : Arrays.copyOf(predPrefix, predPrefix.length + 1);
    if (!ce) {
      yShape[yShape.length - 1] = classes;
    }
    if (!Arrays.equals(y.shape(), yShape)) {
      throw new CaseException("bad case file: y has shape " + y.shapeString() + ", expected "
          + CaseJson.shapeString(yShape) + " for " + loss + " on " + headOn);
    }
    int[] targets = null;
    if (ce) {
      targets = new int[y.data().length];
      for (int i = 0; i < targets.length; i++) {
        double v = y.data()[i];
        if (v != Math.rint(v) || v < 0 || v >= classes) {
          throw new CaseException("bad case file: y[" + i + "] = " + v + " is not a class index in [0, " + classes + ")");
        }
        targets[i] = (int) v;
      }
    }
    return new Setup(spec, v1 ? "lstm." : "rnn.", classes, bool(head, "bias", "model.head", true), lastStep, ce,
        clip, x.toTensor(), y.toFloats(), targets, req(root, "initial_parameters", ""));
  }

  private static void runOne(Setup s, String run, JsonNode optEntry, boolean v1, JsonNode expected,
      Integer numSteps, Checker check) throws CaseException {
    // ---- the model, from the initial parameters
    Recurrent rnn = new Recurrent(s.spec(), 0L);
    List<Slot> slots = new ArrayList<>();
    int off = 0;
    for (String n : rnn.parameterNames()) {
      Slot slot = new Slot(s.prefix() + n, off, rnn.parameterShape(n));
      slots.add(slot);
      off += slot.size();
    }
    int in = s.spec().outputSize();
    slots.add(new Slot("head.weight", off, new int[] {s.classes(), in}));
    off += s.classes() * in;
    if (s.headBias()) {
      slots.add(new Slot("head.bias", off, new int[] {s.classes()}));
      off += s.classes();
    }
    Map<String, Slot> byName = new LinkedHashMap<>();
    for (Slot slot : slots) {
      byName.put(slot.name(), slot);
    }
    float[] params = new float[off];
    float[] grads = new float[off];
    Map<String, CaseJson.Tensor64> initial = new LinkedHashMap<>();
    for (JsonNode p : s.initialParameters()) {
      String name = text(p, "name", "initial_parameters");
      initial.put(name, tensor(p, "initial_parameters." + name));
    }
    loadNamed(params, byName, initial, "initial_parameters");
    int rnnCount = slots.get(slots.size() - (s.headBias() ? 2 : 1)).offset();

    boolean[] maximize = {false};
    OptimizerSpec optSpec = optimizer(run, optEntry, maximize);
    Optimizer optimizer = optSpec.create(off);

    // ---- the steps
    JsonNode steps = req(expected, "steps", "runs." + run + ".float64");
    JsonNode losses = req(expected, "losses", "runs." + run + ".float64");
    int n = numSteps == null ? steps.size() : numSteps;
    if (steps.size() != n || losses.size() != n) {
      throw new CaseException("bad case file: run " + run + " has " + steps.size() + " steps and " + losses.size()
          + " losses, expected " + n);
    }
    double[] expLosses = new double[n];
    double[] gotLosses = new double[n];
    for (int k = 1; k <= n; k++) {
      JsonNode step = steps.get(k - 1);
      String at = run + ".step" + k;
      String where = "runs." + run + ".float64.steps[" + (k - 1) + "]";
      // forward, loss, backward (the gradients land in grads)
      double loss = lossAndGradients(s, rnn, params, rnnCount, grads);
      expLosses[k - 1] = CaseJson.toDouble(losses.get(k - 1), "losses");
      gotLosses[k - 1] = loss;
      check.compareScalar(at + ".loss", CaseJson.number(step, "loss", where), loss);
      if (s.clip() != null) {
        JsonNode raw = opt(step, "grad_before_clip");
        if (raw != null) {
          compareNamed(check, at + ".grad_before_clip", raw, grads, byName);
        }
        float norm = GradientClipping.clipByGlobalNorm(grads, s.clip());
        double coef = Math.min(1.0, s.clip() / (norm + 1e-6));
        check.compareScalar(at + ".grad_norm", CaseJson.number(step, "grad_norm", where), norm);
        check.compareScalar(at + ".clip_coef", CaseJson.number(step, "clip_coef", where), coef);
      }
      compareNamed(check, at + ".grad", req(step, "grad", where), grads, byName);
      float[] g = grads;
      if (maximize[0]) {
        g = grads.clone();
        for (int i = 0; i < g.length; i++) {
          g[i] = -g[i];
        }
      }
      optimizer.step(params, g);
      compareNamed(check, at + ".params_after", req(step, "params_after", where), params, byName);
    }
    check.compareDoubles(run + ".losses", expLosses, gotLosses);
    double finalLoss = lossAndGradients(s, rnn, params, rnnCount, null);
    check.compareScalar(run + ".final_loss", CaseJson.number(expected, "final_loss", "runs." + run + ".float64"),
        finalLoss);
    compareNamed(check, run + ".final_parameters", req(expected, "final_parameters", "runs." + run + ".float64"),
        params, byName);
  }

  /**
   * Loss of the model with {@code params}; when {@code grads} is not null, also its gradient
   * (written, laid out as params).
   */
  private static double lossAndGradients(Setup s, Recurrent rnn, float[] params, int rnnCount, float[] grads) {
    // the recurrent parameters live in rnn; copy the current values in
    int off = 0;
    for (String n : rnn.parameterNames()) {
      int size = rnn.parameter(n).length;
      rnn.setParameter(n, Arrays.copyOfRange(params, off, off + size));
      off += size;
    }
    RecurrentSpec spec = s.spec();
    int f = spec.outputSize();
    int c = s.classes();
    float[] w = Arrays.copyOfRange(params, rnnCount, rnnCount + c * f);
    float[] b = s.headBias() ? Arrays.copyOfRange(params, rnnCount + c * f, rnnCount + c * f + c) : null;

    rnn.zeroGradients();
    Recurrent.Output out = rnn.forward(s.x(), null, null, null, grads != null);
    float[] o = out.output().data();
    int[] shape = out.output().shape();
    int steps = spec.batchFirst() ? shape[1] : shape[0];
    int batch = spec.batchFirst() ? shape[0] : shape[1];
    // head input: every step (rows in the output's own order) or the last time index
    float[] hin;
    int rows;
    if (s.lastStep()) {
      rows = batch;
      hin = new float[batch * f];
      for (int i = 0; i < batch; i++) {
        System.arraycopy(o, lastStepOffset(spec, steps, batch, i, f), hin, i * f, f);
      }
    } else {
      rows = steps * batch;
      hin = o;
    }
    float[] pred = new float[rows * c];
    Dense.forward(hin, rows, f, w, b, c, pred);
    float[] dPred = grads == null ? null : new float[rows * c];
    double loss = s.crossEntropy() ? Losses.crossEntropy(pred, rows, c, s.targets(), dPred)
        : Losses.mse(pred, s.y(), rows * c, dPred);
    if (grads == null) {
      return loss;
    }
    float[] dHin = new float[rows * f];
    float[] dW = new float[c * f];
    float[] dB = b == null ? null : new float[c];
    Dense.backward(hin, rows, f, w, c, dPred, dHin, dW, dB);
    float[] dOut;
    if (s.lastStep()) {
      dOut = new float[o.length];
      for (int i = 0; i < batch; i++) {
        System.arraycopy(dHin, i * f, dOut, lastStepOffset(spec, steps, batch, i, f), f);
      }
    } else {
      dOut = dHin;
    }
    rnn.backward(new Tensor(dOut, shape), null, null);
    off = 0;
    for (String n : rnn.parameterNames()) {
      float[] g = rnn.gradient(n);
      System.arraycopy(g, 0, grads, off, g.length);
      off += g.length;
    }
    System.arraycopy(dW, 0, grads, rnnCount, dW.length);
    if (dB != null) {
      System.arraycopy(dB, 0, grads, rnnCount + dW.length, dB.length);
    }
    return loss;
  }

  /** Offset of sequence i's features at the last time index, in the output's layout. */
  private static int lastStepOffset(RecurrentSpec spec, int steps, int batch, int i, int f) {
    return spec.batchFirst() ? (i * steps + steps - 1) * f : ((steps - 1) * batch + i) * f;
  }

  private static void loadNamed(float[] dst, Map<String, Slot> byName, Map<String, CaseJson.Tensor64> src,
      String where) throws CaseException {
    for (Map.Entry<String, CaseJson.Tensor64> e : src.entrySet()) {
      Slot slot = byName.get(e.getKey());
      if (slot == null) {
        throw new CaseException("unsupported parameter '" + e.getKey() + "' in " + where + " (the model has "
            + byName.keySet() + ")");
      }
      if (!Arrays.equals(slot.shape(), e.getValue().shape())) {
        throw new CaseException("parameter '" + e.getKey() + "' has shape " + e.getValue().shapeString()
            + ", rnn4j expects " + CaseJson.shapeString(slot.shape()));
      }
      float[] v = e.getValue().toFloats();
      System.arraycopy(v, 0, dst, slot.offset(), v.length);
    }
    for (String n : byName.keySet()) {
      if (!src.containsKey(n)) {
        throw new CaseException("bad case file: parameter '" + n + "' missing from " + where);
      }
    }
  }

  /** Compares {name: tensor} with the slices of {@code flat}; every parameter must be there. */
  private static void compareNamed(Checker check, String what, JsonNode map, float[] flat, Map<String, Slot> byName)
      throws CaseException {
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      Slot slot = byName.get(e.getKey());
      if (slot == null) {
        throw new CaseException("unsupported parameter '" + e.getKey() + "' in " + what + " (the model has "
            + byName.keySet() + ")");
      }
      CaseJson.Tensor64 t = tensor(e.getValue(), what + "." + e.getKey());
      check.compare(what + "." + e.getKey(), t, slot.shape(),
          Arrays.copyOfRange(flat, slot.offset(), slot.offset() + slot.size()));
    }
    for (String n : byName.keySet()) {
      if (map.get(n) == null) {
        throw new CaseException("bad case file: parameter '" + n + "' missing from " + what);
      }
    }
  }

  /**
   * The optimizer of a run from its {@code optimizers} entry: PyTorch's constructor arguments (the
   * {@code defaults} dict), with PyTorch 1.13's defaults for those a v1 file leaves out.
   */
  static OptimizerSpec optimizer(String run, JsonNode e, boolean[] maximize) throws CaseException {
    String type = opt(e, "type") != null ? e.get("type").asText() : run;
    String where = "optimizers." + run;
    Set<String> known;
    switch (type) {
      case "sgd":
        known = Set.of("lr", "momentum", "dampening", "weight_decay", "nesterov");
        break;
      case "adam":
      case "adamw":
        known = Set.of("lr", "betas", "eps", "weight_decay", "amsgrad");
        break;
      case "rmsprop":
        known = Set.of("lr", "alpha", "eps", "weight_decay", "momentum", "centered");
        break;
      case "adagrad":
        known = Set.of("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps");
        break;
      default:
        throw new CaseException("unsupported optimizer type '" + type + "' in " + where);
    }
    for (Map.Entry<String, JsonNode> a : e.properties()) {
      String k = a.getKey();
      if (known.contains(k)) {
        continue;
      }
      if (!NO_OP_ARGS.contains(k)) {
        throw new CaseException("unsupported optimizer argument '" + k + "' in " + where);
      }
      JsonNode v = a.getValue();
      if (k.equals("maximize")) {
        maximize[0] = v.asBoolean(false);
      }
    }
    switch (type) {
      case "sgd":
        return new Sgd(f(e, "lr", Float.NaN, where), f(e, "momentum", 0f, where), f(e, "dampening", 0f, where),
            f(e, "weight_decay", 0f, where), bool(e, "nesterov", where, false));
      case "adam":
      case "adamw": {
        float b1 = 0.9f;
        float b2 = 0.999f;
        JsonNode betas = opt(e, "betas");
        if (betas != null) {
          if (!betas.isArray() || betas.size() != 2) {
            throw new CaseException("bad case file: " + where + ".betas must be [beta1, beta2]");
          }
          b1 = (float) CaseJson.toDouble(betas.get(0), where + ".betas");
          b2 = (float) CaseJson.toDouble(betas.get(1), where + ".betas");
        }
        float lr = f(e, "lr", 1e-3f, where);
        float eps = f(e, "eps", 1e-8f, where);
        boolean ams = bool(e, "amsgrad", where, false);
        return type.equals("adam") ? new Adam(lr, b1, b2, eps, f(e, "weight_decay", 0f, where), ams)
            : new AdamW(lr, b1, b2, eps, f(e, "weight_decay", 1e-2f, where), ams);
      }
      case "rmsprop":
        return new RmsProp(f(e, "lr", 1e-2f, where), f(e, "alpha", 0.99f, where), f(e, "eps", 1e-8f, where),
            f(e, "weight_decay", 0f, where), f(e, "momentum", 0f, where), bool(e, "centered", where, false));
      default:
        return new Adagrad(f(e, "lr", 1e-2f, where), f(e, "lr_decay", 0f, where), f(e, "weight_decay", 0f, where),
            f(e, "initial_accumulator_value", 0f, where), f(e, "eps", 1e-10f, where));
    }
  }

  private static float f(JsonNode e, String field, float dflt, String where) throws CaseException {
    JsonNode v = opt(e, field);
    if (v == null) {
      if (Float.isNaN(dflt)) {
        throw new CaseException("bad case file: missing field '" + where + "." + field + "'");
      }
      return dflt;
    }
    return (float) CaseJson.toDouble(v, where + "." + field);
  }
}
