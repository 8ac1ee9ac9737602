package org.rnn4j.internal.engine;

import java.util.Arrays;
import java.util.List;
import org.rnn4j.internal.kernels.Kernels;
import org.rnn4j.internal.kernels.RowParallel;
import org.rnn4j.nn.Activation;
import org.rnn4j.nn.RecurrentSpec;

/**
 * One direction of one layer scanned over time: the forward loop, the mirrored backward loop and
 * the workspaces they share, sized for (T, B) and reused across batches.
 *
 * <p>Legend: T steps, B batch rows, I layer input features, H hidden size, P output hidden size
 * (proj_size or H), G gate blocks. Every per-time buffer is indexed by the real time t (not by scan
 * step), so the weight-gradient GEMMs after the backward loop pair rows of {@code dPre} with rows of
 * X and of {@code hPrev} directly.
 *
 * <p>The algorithm (ARCHITECTURE.md section 4): one GEMM projects the inputs of all T steps; inside
 * the time loop only {@code h(t-1) x W_hh^T} and one fused pass of gate math; after the backward loop,
 * three large GEMMs give dW_ih, dW_hh and dX. Nothing is allocated inside the time loops.
 *
 * <p>Masking (PyTorch packed sequences, ONNX sequence_lens): step t of row b is active iff
 * {@code t < lengths[b]}. An inactive step carries the state unchanged and outputs zeros; in the
 * reverse direction the inactive steps come first, so each row's scan starts at its own last step.
 *
 * <p>Not thread-safe: one scan belongs to one caller at a time.
 */
final class Scan {
  final Kernels k;
  final Cell cell;
  final RecurrentSpec spec;
  final int layer;
  final int direction;
  final boolean reverse;
  final int inputSize; // I
  final int hidden; // H
  final int outHidden; // P
  final int gh; // G*H
  final Activation[] act;
  final boolean defaultMath;
  /** The default math with tanh as the first activation: a vanilla RNN's step is the tanh kernel. */
  final boolean tanhKernel;
  final float clip; // +inf when none

  // Parameter offsets into the store's value/grad buffers (-1 when absent).
  final int wIh;
  final int wHh;
  final int bIh;
  final int bHh;
  final int wHr;
  final int peep;

  float[] values;
  float[] grads;
  /** Packed transposes, refreshed by {@link #pack()}; null means "use the NT product on W". */
  // W^T packed by Kernels.packB for gemmPacked (rebuilt by pack() before each forward: the weights
  // change between batches, not within one)
  float[] wIhP; // W_ih^T [I, GH]
  float[] wHhP; // W_hh^T [P, GH]
  float[] wHrP; // W_hr^T [H, P]
  float[] wHhBackP; // W_hh [GH, P], for the backward's dR x W_hh
  boolean wHhBackPacked;
  float[] packedFrom; // inference: W_ih, W_hh (and W_hr) as they were packed, or null
  /**
   * A one-row inference scan's W_ih [GH, I] and W_hh [GH, P] rounded to bf16 in the kernels' layout
   * ({@link Kernels#packBf16}), or null (float32). The full-width W_hh also serves products over its
   * first columns; GRU reset-before's product over columns [2H, 3H) has its own.
   */
  int[] wIhBf16;
  int[] wHhBf16;
  int[] wHhBf16Cols;
  int wHhBf16ColsOff = -1;

  /** Rounds this scan's W_ih and W_hh to bf16 for one-row inference steps (a session's choice). */
  void useBf16() {
    wIhBf16 = new int[k.packedBf16Size(gh, inputSize)];
    k.packBf16(gh, inputSize, values, wIh, inputSize, wIhBf16);
    wHhBf16 = new int[k.packedBf16Size(gh, outHidden)];
    k.packBf16(gh, outHidden, values, wHh, outHidden, wHhBf16);
    if (cell instanceof Cell.GruResetBefore) {
      // its n block multiplies r * h: a product over columns [2H, 3H) of its own
      wHhBf16ColsOff = 2 * hidden;
      wHhBf16Cols = new int[k.packedBf16Size(hidden, outHidden)];
      k.packBf16(hidden, outHidden, values, wHh + wHhBf16ColsOff * outHidden, outHidden, wHhBf16Cols);
    }
  }
  float[] dPreSums; // [GH] column sums of dPre over T*B rows (bias gradients)

  int capT = -1;
  int capB = -1;
  boolean cached; // the per-time forward caches (hPrev, cSeq, GRU's aux, m) hold [capT, capB]
  int steps; // T of the current batch
  int rows; // B of the current batch
  int[] lengths; // [B] or null = all T
  /**
   * The next forward keeps what a backward reads (set by {@link #ensureCapacity}); false, inference,
   * lets a cell with a state-only step keep only the state.
   */
  boolean keep = true;

  // Forward caches, indexed by time.
  float[] pre; // [T, B, GH] pre-activations (after clip, with peepholes): the input projection first
  float[] gates; // [T, B, GH] post-activations
  float[] hPrev; // [T, B, P] state fed into step t
  float[] hRec; // [T, B, P] hPrev times the recurrent-dropout mask (training with recurrentDropout)
  float[] recMask; // [B, P] recurrent-dropout mask of this batch, or null
  /**
   * [T + 1, B, H] (LSTM) the cell states in scan order, each saved once: the state fed into step t
   * at {@link #cPrevBase}, the state after it at {@link #cNewBase} (the next step's cPrev).
   */
  float[] cSeq;
  float[] aux; // LSTM: [B, H] scratch for tanh(c); GRU [T, B, H] reset-after: W_hn h + b_hn; reset-before: r * h
  float[] m; // [T, B, H] LSTM with projection: o * h_act(c) before W_hr
  float[] hCur; // [B, P]
  float[] cCur; // [B, H]
  float[] rec; // [B, GH] scratch: recurrent product (GRU) / projection input
  float[] hNew; // [B, P] scratch

  // Backward buffers.
  float[] dPre; // [T, B, GH]
  float[] dRec; // [T, B, H] GRU reset-after only: gradient of the recurrent product's n block
  float[] dhStep; // [T, B, P] LSTM with projection: gradient of each step's h
  float[] dhCur; // [B, P]
  float[] dcCur; // [B, H]
  float[] dhNext; // [B, P]
  float[] dTmp; // [B, H] scratch (dm with projection, d(r*h) for GRU reset-before)
  float[] dhRec; // [B, P] gradient of the recurrent product's input (masked before joining dhNext)

  Scan(Kernels k, RecurrentSpec spec, ParameterStore store, String prefix, int layer, int direction) {
    this.k = k;
    this.spec = spec;
    this.layer = layer;
    this.direction = direction;
    this.reverse = spec.isReverse(direction);
    this.inputSize = spec.layerInputSize(layer);
    this.hidden = spec.hiddenSize();
    this.outHidden = spec.outputHiddenSize();
    this.gh = spec.cell().gates() * hidden;
    List<Activation> a = spec.activationsFor(direction);
    this.act = a.toArray(new Activation[0]);
    this.clip = spec.clip() == null ? Float.POSITIVE_INFINITY : spec.clip();
    String sfx = spec.parameterSuffix(layer, direction);
    String pre = prefix;
    this.wIh = store.slice(pre + "weight_ih" + sfx).offset();
    this.wHh = store.slice(pre + "weight_hh" + sfx).offset();
    this.bIh = spec.bias() ? store.slice(pre + "bias_ih" + sfx).offset() : -1;
    this.bHh = spec.bias() ? store.slice(pre + "bias_hh" + sfx).offset() : -1;
    this.wHr = spec.projSize() > 0 ? store.slice(pre + "weight_hr" + sfx).offset() : -1;
    this.peep = spec.peepholes() ? store.slice(pre + "weight_peep" + sfx).offset() : -1;
    this.defaultMath = spec.clip() == null && !spec.inputForget() && !spec.peepholes()
        && Arrays.equals(act, spec.withActivations(List.of()).activationsFor(direction)
            .toArray(new Activation[0]));
    this.cell = Cell.forSpec(spec);
    this.tanhKernel = defaultMath && act[0].kind() == Activation.Kind.TANH;
  }

  /** Points the scan at the parameter buffers (they are replaced when a store is reallocated). */
  void bind(float[] values, float[] grads) {
    this.values = values;
    this.grads = grads;
  }

  /**
   * Packs W_ih^T, W_hh^T (and W_hr^T), and for training W_hh for the backward, in the kernels' GEMM
   * layout: W does not change within a batch, and the per-step products then skip packing their B
   * (measured 1.4x on the [64, 512] x [512, 2048] step product here).
   *
   * <p>For inference the weights packed last time are kept as a copy and the packing is skipped when
   * they are bit-for-bit unchanged (callers may write the parameter arrays directly, so no version
   * counter could tell): a compare costs a fraction of the strided W^T gather (about 10% of a config
   * A inference batch). A training forward always packs (its weights change every step) and keeps no
   * copy.
   */
  void pack(boolean training) {
    allocatePacked();
    int ihSize = gh * inputSize;
    int hhSize = gh * outHidden;
    int hrSize = wHr >= 0 ? outHidden * hidden : 0;
    if (!training) {
      if (packedFrom != null
          && Arrays.equals(values, wIh, wIh + ihSize, packedFrom, 0, ihSize)
          && Arrays.equals(values, wHh, wHh + hhSize, packedFrom, ihSize, ihSize + hhSize)
          && (wHr < 0 || Arrays.equals(values, wHr, wHr + hrSize, packedFrom, ihSize + hhSize,
              ihSize + hhSize + hrSize))) {
        return; // packed from these very weights
      }
      if (packedFrom == null) {
        packedFrom = new float[ihSize + hhSize + hrSize];
      }
      System.arraycopy(values, wIh, packedFrom, 0, ihSize);
      System.arraycopy(values, wHh, packedFrom, ihSize, hhSize);
      if (wHr >= 0) {
        System.arraycopy(values, wHr, packedFrom, ihSize + hhSize, hrSize);
      }
    } else {
      packedFrom = null; // weights change every step: comparing would only cost
    }
    packWeights(training);
  }

  /**
   * Packs the inference weights once, keeping no copy to compare against: for a caller whose weights
   * do not change while it runs (a stream batch packs on its first step).
   */
  void packOnce() {
    allocatePacked();
    packWeights(false);
  }

  private void allocatePacked() {
    if (wIhP == null) {
      wIhP = new float[k.packedSize(inputSize, gh)];
      wHhP = new float[k.packedSize(outHidden, gh)];
      if (wHr >= 0) {
        wHrP = new float[k.packedSize(hidden, outHidden)];
      }
    }
  }

  private void packWeights(boolean training) {
    k.packB(true, inputSize, gh, values, wIh, inputSize, wIhP, 0);
    k.packB(true, outHidden, gh, values, wHh, outHidden, wHhP, 0);
    if (training) {
      if (wHhBackP == null) {
        wHhBackP = new float[k.packedSize(gh, outHidden)];
      }
      k.packB(false, gh, outHidden, values, wHh, outHidden, wHhBackP, 0);
    }
    wHhBackPacked = training; // a backward never reads a W_hh packed for an older batch
    if (wHr >= 0) {
      k.packB(true, hidden, outHidden, values, wHr, hidden, wHrP, 0);
    }
  }

  /** Makes sure the workspaces hold (T, B); grows them only when a larger batch arrives. */
  void ensureCapacity(int t, int b, boolean training) {
    // An inference forward whose cell has a state-only step needs no per-time caches (hPrev, c, tanh c):
    // only pre [T, B, GH] and the [B, *] state and scratch rows.
    keep = training;
    boolean stateOnly = stateOnly();
    if (t <= capT && b <= capB && (stateOnly || cached) && (!training || dPre != null)) {
      return;
    }
    int ct = Math.max(t, Math.max(capT, 0));
    int cb = Math.max(b, Math.max(capB, 0));
    boolean lstm = cell instanceof Cell.Lstm;
    boolean gru = cell instanceof Cell.GruResetAfter || cell instanceof Cell.GruResetBefore;
    // With the default math, LSTM and GRU (reset after) rows turn pre-activations into gates in place
    // and, backward, gates into their gradients: one [T, B, GH] buffer serves pre, gates and dPre
    // (the generic paths read pre again in the backward, so they keep three).
    boolean oneBuffer = defaultMath && (lstm || cell instanceof Cell.GruResetAfter
        || (cell instanceof Cell.Rnn && tanhKernel));
    pre = new float[ct * cb * gh];
    gates = oneBuffer ? pre : new float[ct * cb * gh];
    int cacheT = stateOnly ? 0 : ct; // the per-time caches' T: none for a state-only forward
    hPrev = new float[cacheT * cb * outHidden];
    cSeq = lstm ? new float[stateOnly ? 0 : (ct + 1) * cb * hidden] : null;
    // LSTM: tanh(c) of the step's rows [B, H] (recomputed in the backward); GRU: [T, B, H]
    aux = lstm ? new float[cb * hidden] : gru ? new float[ct * cb * hidden] : null;
    m = wHr >= 0 ? new float[cacheT * cb * hidden] : null;
    cached = !stateOnly;
    hCur = new float[cb * outHidden];
    cCur = new float[cb * hidden];
    rec = new float[cb * gh];
    hNew = new float[cb * outHidden];
    if (training || dPre != null) {
      dPre = oneBuffer ? pre : new float[ct * cb * gh];
      dRec = cell instanceof Cell.GruResetAfter ? new float[ct * cb * hidden] : null;
      dhStep = wHr >= 0 ? new float[ct * cb * outHidden] : null;
      dhCur = new float[cb * outHidden];
      dcCur = new float[cb * hidden];
      dhNext = new float[cb * outHidden];
      dTmp = new float[cb * Math.max(hidden, outHidden)];
      dhRec = new float[cb * outHidden];
    }
    if (!stateOnly && (recMask != null || spec.recurrentDropout() > 0f)) {
      hRec = new float[ct * cb * outHidden];
    }
    capT = ct;
    capB = cb;
  }

  /**
   * What the recurrent product multiplies: hPrev, or hPrev times the recurrent-dropout mask (Keras's
   * recurrent_dropout: one mask per sequence for all steps, on the recurrent input only).
   */
  float[] recIn() {
    return recMask != null ? hRec : hPrev;
  }

  /** The forward keeps only the state: inference with a cell that has a state-only step. */
  boolean stateOnly() {
    return !keep && cell.infers(this);
  }

  /** Offset in {@link #cSeq} of the c fed into step t (row 0): the slot before t in scan order. */
  int cPrevBase(int t) {
    return (reverse ? t + 1 : t) * rows * hidden;
  }

  /** Offset in {@link #cSeq} of the c step t makes (row 0). */
  int cNewBase(int t) {
    return (reverse ? t : t + 1) * rows * hidden;
  }

  boolean active(int t, int b) {
    return lengths == null || t < lengths[b];
  }

  /**
   * {@code c[B, n] = beta*c + a[B, P] x W_hh[colOff .. colOff+n, :]^T}: the recurrent product for
   * gate columns [colOff, colOff + n). bf16 for a session that asked for it; packed when {@link #pack()}
   * ran (full width); else the NT product on W.
   */
  void recurrentProduct(int n, int colOff, float[] a, int aOff, float beta, float[] c, int cOff,
      int ldc) {
    if (wHhBf16 != null) {
      assert rows == 1 : "bf16 weights serve a one-row step";
      assert colOff == 0 || colOff == wHhBf16ColsOff : "no bf16 W_hh packed from column " + colOff;
      k.gemvBf16(n, outHidden, a, aOff, colOff == 0 ? wHhBf16 : wHhBf16Cols, beta, c, cOff);
    } else if (wHhP != null && colOff == 0 && n == gh) {
      k.gemmPacked(false, rows, n, outHidden, 1f, a, aOff, outHidden, wHhP, 0, beta, c, cOff, ldc);
    } else {
      k.gemm(false, true, rows, n, outHidden, 1f, a, aOff, outHidden, values, wHh + colOff * outHidden,
          outHidden, beta, c, cOff, ldc);
    }
  }

  /** Elements of a step ([B, GH]) from which its per-row gate math is split between the cores. */
  private static final int ROWS_PARALLEL_MIN = 4096;
  private final RowsTask rowsTask = new RowsTask();

  /**
   * Runs a cell's per-row work of step t over all rows, split between the cores when the step is
   * large enough (each row by one thread, with the same arithmetic: results do not depend on it).
   */
  void forEachRow(int t, Cell.Rows body) {
    RowParallel pool = RowParallel.shared();
    if (rows >= 2 && rows * gh >= ROWS_PARALLEL_MIN && pool.threads() > 1) {
      rowsTask.body = body;
      rowsTask.t = t;
      boolean ran = pool.tryRun(rowsTask, rows);
      rowsTask.body = null;
      if (ran) {
        return;
      }
    }
    body.run(this, t, 0, rows);
  }

  /** The reusable split body: one per scan, so nothing is allocated per step. */
  private final class RowsTask implements RowParallel.RowTask {
    Cell.Rows body;
    int t;

    @Override
    public void run(int rowStart, int rowEnd) {
      body.run(Scan.this, t, rowStart, rowEnd);
    }
  }

  /**
   * Forward over all T steps.
   *
   * @param x      [T, B, I] layer input, row stride {@code ldx}
   * @param h0     initial h [B, P] at {@code h0Off}, or null for zeros
   * @param c0     initial c [B, H] at {@code c0Off}, or null for zeros (LSTM)
   * @param out    [T, B, ldo] written: this direction's outputs at column {@code outCol}, or null when
   *               only the final state is wanted
   */
  void forward(float[] x, int ldx, float[] h0, int h0Off, float[] c0, int c0Off, float[] out, int ldo,
      int outCol) {
    int t0 = steps;
    int b0 = rows;
    // pre[t, b, :] = input bias + x[t, b, :] W_ih^T for all T*B rows in one GEMM.
    cell.inputBias(this, pre, 0);
    for (int r = 1; r < t0 * b0; r++) {
      System.arraycopy(pre, 0, pre, r * gh, gh);
    }
    if (wIhBf16 != null) {
      assert t0 * b0 == 1 : "bf16 weights serve a one-row step";
      k.gemvBf16(gh, inputSize, x, 0, wIhBf16, 1f, pre, 0);
    } else if (wIhP != null) {
      k.gemmPacked(false, t0 * b0, gh, inputSize, 1f, x, 0, ldx, wIhP, 0, 1f, pre, 0, gh);
    } else {
      k.gemm(false, true, t0 * b0, gh, inputSize, 1f, x, 0, ldx, values, wIh, inputSize, 1f, pre, 0, gh);
    }
    if (h0 == null) {
      Arrays.fill(hCur, 0, b0 * outHidden, 0f);
    } else {
      System.arraycopy(h0, h0Off, hCur, 0, b0 * outHidden);
    }
    if (cSeq != null) {
      if (c0 == null) {
        Arrays.fill(cCur, 0, b0 * hidden, 0f);
      } else {
        System.arraycopy(c0, c0Off, cCur, 0, b0 * hidden);
      }
    }
    boolean stateOnly = stateOnly();
    for (int s = 0; s < t0; s++) {
      int t = reverse ? t0 - 1 - s : s;
      if (stateOnly) {
        cell.inferStep(this, t);
        copyOut(t, out, ldo, outCol);
        continue;
      }
      System.arraycopy(hCur, 0, hPrev, t * b0 * outHidden, b0 * outHidden);
      if (recMask != null) {
        int o = t * b0 * outHidden;
        for (int i = 0; i < b0 * outHidden; i++) {
          hRec[o + i] = hCur[i] * recMask[i];
        }
      }
      if (cSeq != null && s == 0) {
        // later steps find their c in the slot the step before wrote
        System.arraycopy(cCur, 0, cSeq, cPrevBase(t), b0 * hidden);
      }
      cell.forwardStep(this, t);
      copyOut(t, out, ldo, outCol);
    }
  }

  /** Step t's outputs: h of the active rows, zeros for the inactive ones (none when out is null). */
  private void copyOut(int t, float[] out, int ldo, int outCol) {
    if (out == null) {
      return;
    }
    for (int b = 0; b < rows; b++) {
      int o = (t * rows + b) * ldo + outCol;
      if (active(t, b)) {
        System.arraycopy(hCur, b * outHidden, out, o, outHidden);
      } else {
        Arrays.fill(out, o, o + outHidden, 0f);
      }
    }
  }

  /**
   * Backward over all T steps, mirroring {@link #forward}; accumulates (+=) the parameter gradients.
   *
   * @param dOut   [T, B, ldo] gradient of this direction's outputs at column {@code outCol}, or null
   *               when the outputs were not used (only the final state has a gradient)
   * @param dHn    [B, P] gradient of the final h at {@code dHnOff}, or null
   * @param dCn    [B, H] gradient of the final c, or null (LSTM)
   * @param x      the forward's layer input [T, B, I] (row stride ldx)
   * @param dX     [T, B, I] gradient of the layer input, accumulated (+=), row stride ldx; null to
   *               skip it (the model's data comes in)
   * @param dH0    written: gradient of the initial h [B, P] at dH0Off (when not null)
   * @param dC0    written: gradient of the initial c (LSTM, when not null)
   */
  void backward(float[] dOut, int ldo, int outCol, float[] dHn, int dHnOff, float[] dCn, int dCnOff,
      float[] x, int ldx, float[] dX, float[] dH0, int dH0Off, float[] dC0, int dC0Off) {
    int t0 = steps;
    int b0 = rows;
    if (dHn == null) {
      Arrays.fill(dhCur, 0, b0 * outHidden, 0f);
    } else {
      System.arraycopy(dHn, dHnOff, dhCur, 0, b0 * outHidden);
    }
    if (cSeq != null) {
      if (dCn == null) {
        Arrays.fill(dcCur, 0, b0 * hidden, 0f);
      } else {
        System.arraycopy(dCn, dCnOff, dcCur, 0, b0 * hidden);
      }
    }
    for (int s = t0 - 1; s >= 0; s--) {
      int t = reverse ? t0 - 1 - s : s;
      // The output of an active step is h: its gradient joins the one carried from step t+1.
      if (dOut != null) {
        for (int b = 0; b < b0; b++) {
          if (active(t, b)) {
            k.axpy(outHidden, 1f, dOut, (t * b0 + b) * ldo + outCol, dhCur, b * outHidden);
          }
        }
      }
      cell.backwardStep(this, t);
      float[] swap = dhCur;
      dhCur = dhNext;
      dhNext = swap;
    }
    if (dH0 != null) {
      System.arraycopy(dhCur, 0, dH0, dH0Off, b0 * outHidden);
    }
    if (dC0 != null && cSeq != null) {
      System.arraycopy(dcCur, 0, dC0, dC0Off, b0 * hidden);
    }
    // After the loop: the large GEMMs over all T*B rows.
    int n = t0 * b0;
    k.gemm(true, false, gh, inputSize, n, 1f, dPre, 0, gh, x, 0, ldx, 1f, grads, wIh, inputSize);
    if (dX != null) {
      k.gemm(false, false, n, inputSize, gh, 1f, dPre, 0, gh, values, wIh, inputSize, 1f, dX, 0, ldx);
    }
    if (bIh >= 0) {
      // db_ih (and, for the cells whose b_hh enters like b_ih, db_hh) = column sums of dPre, summed
      // once (over T*B rows, the widest pass of the backward after the GEMMs)
      if (dPreSums == null || dPreSums.length < gh) {
        dPreSums = new float[gh];
      }
      Arrays.fill(dPreSums, 0, gh, 0f);
      k.addColumnSums(n, gh, dPre, 0, gh, dPreSums, 0);
      k.axpy(gh, 1f, dPreSums, 0, grads, bIh);
    }
    cell.recurrentWeightGradients(this, n);
    if (wHr >= 0) {
      // dW_hr [P, H] += dh^T [P, TB] x m [TB, H]
      k.gemm(true, false, outHidden, hidden, n, 1f, dhStep, 0, outHidden, m, 0, hidden, 1f, grads, wHr,
          hidden);
    }
  }

  /**
   * Ends a backward step: {@code dhNext += mask * (dRecurrent x W_hh)}, on top of the direct terms the
   * cell wrote into dhNext; inactive rows carry {@code dhCur} unchanged (their gate gradients are zero).
   *
   * @param dR         [B, GH] gradient of the recurrent products of step t at dROff
   * @param cols       gate columns that multiply h (GH, or 2H for a GRU with the reset gate before)
   * @param accumulate dhRec already holds a part of the recurrent input's gradient (add to it)
   */
  void recurrentInputGradient(int t, float[] dR, int dROff, int cols, boolean accumulate) {
    if (wHhBackPacked && cols == gh) {
      k.gemmPacked(false, rows, outHidden, gh, 1f, dR, dROff, gh, wHhBackP, 0, accumulate ? 1f : 0f,
          dhRec, 0, outHidden);
    } else {
      k.gemm(false, false, rows, outHidden, cols, 1f, dR, dROff, gh, values, wHh, outHidden,
          accumulate ? 1f : 0f, dhRec, 0, outHidden);
    }
    for (int b = 0; b < rows; b++) {
      int o = b * outHidden;
      if (!active(t, b)) {
        System.arraycopy(dhCur, o, dhNext, o, outHidden);
      } else if (recMask != null) {
        for (int j = 0; j < outHidden; j++) {
          dhNext[o + j] += recMask[o + j] * dhRec[o + j];
        }
      } else {
        k.axpy(outHidden, 1f, dhRec, o, dhNext, o);
      }
    }
  }

  float clamp(float v) {
    return v > clip ? clip : (v < -clip ? -clip : v);
  }

  /** Derivative factor of the clip: 0 where the pre-activation sat at the bound. */
  float clipMask(float clipped) {
    return Math.abs(clipped) >= clip ? 0f : 1f;
  }
}
