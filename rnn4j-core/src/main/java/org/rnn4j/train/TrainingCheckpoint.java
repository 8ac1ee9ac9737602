package org.rnn4j.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnn4j.Model;
import org.rnn4j.io.SafeTensors;

/**
 * What every training loop's checkpoint holds, written once: a format name and version, the model's
 * parameters (checked against the model on reading), the optimizer's state and step count, and the
 * {@link EpochPolicy}'s state. A loop adds its own position (epoch, update or round, running sums) to
 * {@link #meta()} and {@link #tensors()} before {@link #write}, and reads it from the contents
 * {@link #read} returns. Files are SafeTensors, written atomically.
 *
 * <p>Not thread-safe: one checkpoint being written by one loop.
 */
public final class TrainingCheckpoint {
  private final Map<String, String> meta = new LinkedHashMap<>();
  private final List<SafeTensors.Tensor> tensors = new ArrayList<>();

  /** A checkpoint of {@code model}, {@code optimizer} and {@code policy} now, in the named format. */
  public TrainingCheckpoint(String format, int version, Model model, Optimizer optimizer, EpochPolicy policy) {
    meta.put("format", format);
    meta.put("format_version", Integer.toString(version));
    meta.put("parameter_names", String.join(",", model.parameterNames()));
    meta.put("optimizer_steps", Long.toString(optimizer.stepCount()));
    policy.writeState(meta, tensors);
    float[] p = model.parameterValues();
    tensors.add(new SafeTensors.Tensor("params", new int[] {p.length}, p.clone()));
    for (Map.Entry<String, float[]> e : optimizer.state().entrySet()) {
      tensors.add(new SafeTensors.Tensor("optimizer." + e.getKey(), new int[] {e.getValue().length},
          e.getValue().clone()));
    }
  }

  /** The metadata so far: add the loop's own keys. */
  public Map<String, String> meta() {
    return meta;
  }

  /** The tensors so far: add the loop's own. */
  public List<SafeTensors.Tensor> tensors() {
    return tensors;
  }

  /** Writes the checkpoint atomically (temporary file, then rename). */
  public void write(Path file) throws IOException {
    SafeTensors.write(file, meta, tensors);
  }

  /**
   * Reads a checkpoint of the named format into {@code model}'s parameters, {@code optimizer}'s state
   * and {@code policy}, and returns its contents for the loop's own keys.
   *
   * @throws IOException when the file is of another format or version, belongs to another model, or
   *     holds another optimizer's state (the message says which and what to do)
   */
  public static SafeTensors.Contents read(Path file, String format, int version, Model model, Optimizer optimizer,
      EpochPolicy policy) throws IOException {
    SafeTensors.Contents c = SafeTensors.read(file);
    restore(file, c, format, version, model, optimizer, policy);
    return c;
  }

  /**
   * {@link #read} on contents already read from {@code file} (a loop that checks its own keys first).
   *
   * @throws IOException as {@link #read}
   */
  public static void restore(Path file, SafeTensors.Contents c, String format, int version, Model model,
      Optimizer optimizer, EpochPolicy policy) throws IOException {
    Map<String, String> m = c.metadata();
    if (!format.equals(m.get("format"))) {
      throw new IOException(file + ": expected a checkpoint of format " + format + ", got format " + m.get("format"));
    }
    if (!Integer.toString(version).equals(m.get("format_version"))) {
      throw new IOException(file + ": expected checkpoint format version " + version + ", got "
          + m.get("format_version"));
    }
    String names = String.join(",", model.parameterNames());
    SafeTensors.Tensor params = c.tensors().get("params");
    if (!names.equals(m.get("parameter_names")) || params == null
        || params.data().length != model.parameterValues().length) {
      throw new IOException(file + ": the checkpoint belongs to another model (its parameters differ from"
          + " this model's " + model.parameterCount() + "); delete it or choose another checkpoint file");
    }
    System.arraycopy(params.data(), 0, model.parameterValues(), 0, params.data().length);
    for (Map.Entry<String, float[]> e : optimizer.state().entrySet()) {
      SafeTensors.Tensor t = c.tensors().get("optimizer." + e.getKey());
      if (t == null || t.data().length != e.getValue().length) {
        throw new IOException(file + ": the checkpoint's optimizer state '" + e.getKey()
            + "' is missing or has another size: was it written with another optimizer?");
      }
      System.arraycopy(t.data(), 0, e.getValue(), 0, t.data().length);
    }
    optimizer.setStepCount(Long.parseLong(m.get("optimizer_steps")));
    policy.readState(c);
  }
}
