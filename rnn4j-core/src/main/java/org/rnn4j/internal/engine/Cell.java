package org.rnn4j.internal.engine;

import java.util.Arrays;
import org.rnn4j.nn.Activation;
import org.rnn4j.nn.CellType;
import org.rnn4j.nn.RecurrentSpec;

/**
 * One step of one cell type, forward and backward, on the buffers of a {@link Scan}. Cells hold no
 * state of their own (stateless and thread-safe); each backward sits right under its forward and
 * mirrors it, with the same names prefixed {@code d}.
 *
 * <p>Shapes (per step t): {@code pre, gates, dPre [B, GH]}, {@code hPrev, hCur [B, P]},
 * {@code cPrev, cNew [B, H]} (slots of {@code cSeq}). Gate blocks in PyTorch order: LSTM i, f, g, o;
 * GRU r, z, n.
 */
abstract class Cell {

  static Cell forSpec(RecurrentSpec spec) {
    CellType c = spec.cell();
    switch (c) {
      case LSTM:
        return new Lstm();
      case GRU:
        return spec.resetAfter() ? new GruResetAfter() : new GruResetBefore();
      default:
        return new Rnn();
    }
  }

  /** Writes the bias row [GH] that the input projection starts from. */
  void inputBias(Scan s, float[] dst, int off) {
    Arrays.fill(dst, off, off + s.gh, 0f);
    if (s.bIh >= 0) {
      for (int j = 0; j < s.gh; j++) {
        dst[off + j] = s.values[s.bIh + j] + s.values[s.bHh + j];
      }
    }
  }

  abstract void forwardStep(Scan s, int t);

  /**
   * Whether {@link #inferStep} serves this scan: an inference step that keeps no per-time cache and
   * updates {@code hCur} (and {@code cCur}) in place.
   */
  boolean infers(Scan s) {
    return false;
  }

  /**
   * Step t of an inference forward ({@link #infers} is true): reads {@code hCur}, {@code cCur} and
   * {@code pre[t]}, writes the new state into {@code hCur}, {@code cCur}; inactive rows keep theirs.
   * The same arithmetic as {@link #forwardStep}, so the same bits.
   */
  void inferStep(Scan s, int t) {
    throw new UnsupportedOperationException("no inference step for " + getClass().getSimpleName());
  }

  /** The per-row part of a step over rows [from, to): rows are independent, so threads may split them. */
  interface Rows {
    void run(Scan s, int t, int from, int to);
  }

  /**
   * Backward of step t: reads {@code dhCur} (and {@code dcCur}), writes {@code dPre[t]} (zero rows for
   * inactive steps), {@code dhNext} (gradient of hPrev) and updates {@code dcCur} to the gradient of
   * cPrev.
   */
  abstract void backwardStep(Scan s, int t);

  /** dW_hh and db_hh from all T*B rows after the backward loop. */
  void recurrentWeightGradients(Scan s, int n) {
    s.k.gemm(true, false, s.gh, s.outHidden, n, 1f, s.dPre, 0, s.gh, s.recIn(), 0, s.outHidden, 1f,
        s.grads, s.wHh, s.outHidden);
    if (s.bHh >= 0) {
      s.k.axpy(s.gh, 1f, s.dPreSums, 0, s.grads, s.bHh); // the same sums as db_ih (Scan.backward)
    }
  }

  // ------------------------------------------------------------------------------------------------
  /** Vanilla RNN: {@code h = act(clip(W_ih x + b_ih + W_hh h + b_hh))}; gates holds h. */
  static final class Rnn extends Cell {
    @Override
    void forwardStep(Scan s, int t) {
      int base = t * s.rows * s.gh;
      s.recurrentProduct(s.gh, 0, s.recIn(), t * s.rows * s.outHidden, 1f, s.pre, base, s.gh);
      Activation f = s.act[0];
      for (int b = 0; b < s.rows; b++) {
        if (!s.active(t, b)) {
          continue;
        }
        int o = base + b * s.gh;
        if (s.tanhKernel) {
          s.k.tanh(s.gh, s.pre, o, s.gates, o);
          System.arraycopy(s.gates, o, s.hCur, b * s.gh, s.gh);
          continue;
        }
        for (int j = 0; j < s.gh; j++) {
          float p = s.clamp(s.pre[o + j]);
          s.pre[o + j] = p;
          float h = f.apply(p);
          s.gates[o + j] = h;
          s.hCur[b * s.gh + j] = h;
        }
      }
    }

    @Override
    void backwardStep(Scan s, int t) {
      int base = t * s.rows * s.gh;
      Activation f = s.act[0];
      for (int b = 0; b < s.rows; b++) {
        int o = base + b * s.gh;
        if (!s.active(t, b)) {
          Arrays.fill(s.dPre, o, o + s.gh, 0f);
          continue;
        }
        if (s.tanhKernel) {
          s.k.tanhBackward(s.gh, s.gates, o, s.dhCur, b * s.gh, s.dPre, o);
          continue;
        }
        for (int j = 0; j < s.gh; j++) {
          float p = s.pre[o + j];
          // d pre = dh * act'(pre) (zero where the clip was active)
          s.dPre[o + j] = s.dhCur[b * s.gh + j] * f.derivative(p, s.gates[o + j]) * s.clipMask(p);
        }
      }
      Arrays.fill(s.dhNext, 0, s.rows * s.outHidden, 0f);
      s.recurrentInputGradient(t, s.dPre, base, s.gh, false);
    }
  }

  // ------------------------------------------------------------------------------------------------
  /**
   * LSTM, blocks i, f, g, o; optional ONNX peepholes (i, f look at cPrev, o at the new c), clip,
   * input_forget ({@code f = 1 - i}) and PyTorch projection ({@code h = W_hr (o * h_act(c))}).
   * {@code aux} holds the step's {@code h_act(c)} rows [B, H] (the backward recomputes them from c);
   * with projection {@code m} [T, B, H] holds {@code o * h_act(c)}.
   */
  static final class Lstm extends Cell {
    @Override
    void forwardStep(Scan s, int t) {
      int rows = s.rows;
      int hid = s.hidden;
      int base = t * rows * s.gh;
      int cBase = t * rows * hid;
      s.recurrentProduct(s.gh, 0, s.recIn(), t * rows * s.outHidden, 1f, s.pre, base, s.gh);
      boolean proj = s.wHr >= 0;
      s.forEachRow(t, FORWARD_ROWS);
      if (proj) {
        // h [B, P] = m [B, H] x W_hr^T
        if (s.wHrP != null) {
          s.k.gemmPacked(false, rows, s.outHidden, hid, 1f, s.m, cBase, hid, s.wHrP, 0, 0f,
              s.hNew, 0, s.outHidden);
        } else {
          s.k.gemm(false, true, rows, s.outHidden, hid, 1f, s.m, cBase, hid, s.values, s.wHr, hid, 0f,
              s.hNew, 0, s.outHidden);
        }
        for (int b = 0; b < rows; b++) {
          if (s.active(t, b)) {
            System.arraycopy(s.hNew, b * s.outHidden, s.hCur, b * s.outHidden, s.outHidden);
          }
        }
      } else {
        // Inactive rows of hCur were not touched: they carry the state.
      }
    }

    /**
     * The default math without projection: the gates go to a [B, 4H] scratch that stays in cache
     * (not back into pre[t], whose [T, B, 4H] slab streams from memory), c is updated in place and
     * tanh(c) goes to a [B, H] scratch; nothing per time is kept.
     */
    @Override
    boolean infers(Scan s) {
      return s.defaultMath && s.wHr < 0;
    }

    @Override
    void inferStep(Scan s, int t) {
      // pre[t] [B, 4H] += hCur [B, H] x W_hh^T: the product reads the state before the rows overwrite it.
      s.recurrentProduct(s.gh, 0, s.hCur, 0, 1f, s.pre, t * s.rows * s.gh, s.gh);
      s.forEachRow(t, INFER_ROWS);
    }

    private static final Rows INFER_ROWS = Lstm::inferRows;

    private static void inferRows(Scan s, int t, int from, int to) {
      int hid = s.hidden;
      int base = t * s.rows * s.gh;
      for (int b = from; b < to; b++) {
        if (s.active(t, b)) {
          int c = b * hid;
          // gates -> rec [B, 4H], c -> cCur in place (each column read before it is written),
          // tanh(c) -> aux [B, H], h -> hCur
          s.k.lstmForwardRow(hid, s.pre, base + b * s.gh, s.rec, b * s.gh, s.cCur, c, s.cCur, c, s.aux, c,
              s.hCur, c);
        }
      }
    }

    private static final Rows FORWARD_ROWS = Lstm::forwardRows;
    private static final Rows BACKWARD_ROWS = Lstm::backwardRows;

    private static void forwardRows(Scan s, int t, int from, int to) {
      int rows = s.rows;
      int hid = s.hidden;
      int base = t * rows * s.gh;
      int mBase = t * rows * hid; // m [T, B, H]
      int cpBase = s.cPrevBase(t);
      int cnBase = s.cNewBase(t);
      boolean proj = s.wHr >= 0;
      // Without projection the step's h goes straight into hCur; with it, into m first.
      float[] hOut = proj ? s.m : s.hCur;
      for (int b = from; b < to; b++) {
        int cp = cpBase + b * hid;
        int cn = cnBase + b * hid;
        if (!s.active(t, b)) {
          System.arraycopy(s.cSeq, cp, s.cSeq, cn, hid);
          continue;
        }
        int hOff = proj ? mBase + b * hid : b * hid;
        // tanh(c) goes to the row's scratch in aux [B, H]: the backward recomputes it from c
        if (s.defaultMath) {
          s.k.lstmForwardRow(hid, s.pre, base + b * s.gh, s.gates, base + b * s.gh, s.cSeq, cp, s.cSeq,
              cn, s.aux, b * hid, hOut, hOff);
        } else {
          forwardGeneric(s, base + b * s.gh, cp, cn, hOut, hOff);
        }
        System.arraycopy(s.cSeq, cn, s.cCur, b * hid, hid);
      }
    }

    /** One row with peepholes / clip / input_forget / any activations. */
    private static void forwardGeneric(Scan s, int g, int cpOff, int cnOff, float[] hOut, int hOff) {
      int hid = s.hidden;
      Activation fa = s.act[0];
      Activation ga = s.act[1];
      Activation ha = s.act[2];
      float[] v = s.values;
      int pi = s.peep;
      for (int j = 0; j < hid; j++) {
        float cp = s.cSeq[cpOff + j];
        float preI = s.pre[g + j] + (pi >= 0 ? v[pi + j] * cp : 0f);
        preI = s.clamp(preI);
        float i = fa.apply(preI);
        float f;
        float preF;
        if (s.spec.inputForget()) {
          preF = 0f;
          f = 1f - i;
        } else {
          preF = s.clamp(s.pre[g + hid + j] + (pi >= 0 ? v[pi + 2 * hid + j] * cp : 0f));
          f = fa.apply(preF);
        }
        float preG = s.clamp(s.pre[g + 2 * hid + j]);
        float gg = ga.apply(preG);
        float cn = f * cp + i * gg;
        float preO = s.clamp(s.pre[g + 3 * hid + j] + (pi >= 0 ? v[pi + hid + j] * cn : 0f));
        float o = fa.apply(preO);
        float hc = ha.apply(cn);
        s.pre[g + j] = preI;
        s.pre[g + hid + j] = preF;
        s.pre[g + 2 * hid + j] = preG;
        s.pre[g + 3 * hid + j] = preO;
        s.gates[g + j] = i;
        s.gates[g + hid + j] = f;
        s.gates[g + 2 * hid + j] = gg;
        s.gates[g + 3 * hid + j] = o;
        s.cSeq[cnOff + j] = cn;
        hOut[hOff + j] = o * hc;
      }
    }

    @Override
    void backwardStep(Scan s, int t) {
      int rows = s.rows;
      int hid = s.hidden;
      int base = t * rows * s.gh;
      if (s.wHr >= 0) {
        // h = W_hr m: keep dh for dW_hr (after the loop) and get dm [B, H] = dh [B, P] x W_hr [P, H].
        int pOff = t * rows * s.outHidden;
        System.arraycopy(s.dhCur, 0, s.dhStep, pOff, rows * s.outHidden);
        for (int b = 0; b < rows; b++) {
          if (!s.active(t, b)) {
            Arrays.fill(s.dhStep, pOff + b * s.outHidden, pOff + (b + 1) * s.outHidden, 0f);
          }
        }
        s.k.gemm(false, false, rows, hid, s.outHidden, 1f, s.dhCur, 0, s.outHidden, s.values, s.wHr, hid,
            0f, s.dTmp, 0, hid);
      }
      s.forEachRow(t, BACKWARD_ROWS);
      Arrays.fill(s.dhNext, 0, rows * s.outHidden, 0f);
      s.recurrentInputGradient(t, s.dPre, base, s.gh, false);
    }

    private static void backwardRows(Scan s, int t, int from, int to) {
      int rows = s.rows;
      int hid = s.hidden;
      int base = t * rows * s.gh;
      int cpBase = s.cPrevBase(t);
      int cnBase = s.cNewBase(t);
      // with projection, backwardStep has put dm = dh x W_hr into dTmp
      float[] dm = s.wHr >= 0 ? s.dTmp : s.dhCur;
      for (int b = from; b < to; b++) {
        int g = base + b * s.gh;
        if (!s.active(t, b)) {
          Arrays.fill(s.dPre, g, g + s.gh, 0f);
          continue;
        }
        int cp = cpBase + b * hid;
        int cn = cnBase + b * hid;
        if (s.defaultMath) {
          // tanh(c), recomputed with the forward's bits into the row's scratch (not kept per step)
          s.k.tanh(hid, s.cSeq, cn, s.aux, b * hid);
          s.k.lstmBackwardRow(hid, s.gates, g, s.cSeq, cp, s.aux, b * hid, dm, b * hid, s.dcCur, b * hid,
              s.dPre, g);
        } else {
          backwardGeneric(s, g, cp, cn, dm, b * hid);
        }
      }
    }

    private static void backwardGeneric(Scan s, int g, int cpOff, int cnOff, float[] dm, int dmOff) {
      int hid = s.hidden;
      Activation fa = s.act[0];
      Activation ga = s.act[1];
      Activation ha = s.act[2];
      float[] v = s.values;
      int pi = s.peep;
      int dc0 = dmOff; // dcCur row offset equals the dm row offset (both [B, H])
      for (int j = 0; j < hid; j++) {
        float i = s.gates[g + j];
        float f = s.gates[g + hid + j];
        float gg = s.gates[g + 2 * hid + j];
        float o = s.gates[g + 3 * hid + j];
        float preI = s.pre[g + j];
        float preF = s.pre[g + hid + j];
        float preG = s.pre[g + 2 * hid + j];
        float preO = s.pre[g + 3 * hid + j];
        float cp = s.cSeq[cpOff + j];
        float cn = s.cSeq[cnOff + j];
        float hc = ha.apply(cn); // the forward's h_act(c), recomputed
        float dmj = dm[dmOff + j];
        // h = o * h_act(c)
        float dPreO = dmj * hc * fa.derivative(preO, o) * s.clipMask(preO);
        float dc = s.dcCur[dc0 + j] + dmj * o * ha.derivative(cn, hc)
            + (pi >= 0 ? dPreO * v[pi + hid + j] : 0f);
        // c = f * cPrev + i * g
        float di = dc * gg;
        float dPreF = 0f;
        if (s.spec.inputForget()) {
          di -= dc * cp; // f = 1 - i
        } else {
          dPreF = dc * cp * fa.derivative(preF, f) * s.clipMask(preF);
        }
        float dPreI = di * fa.derivative(preI, i) * s.clipMask(preI);
        float dPreG = dc * i * ga.derivative(preG, gg) * s.clipMask(preG);
        s.dPre[g + j] = dPreI;
        s.dPre[g + hid + j] = dPreF;
        s.dPre[g + 2 * hid + j] = dPreG;
        s.dPre[g + 3 * hid + j] = dPreO;
        float dcp = dc * f;
        if (pi >= 0) {
          // peepholes, order i, o, f: pre_i += P_i cPrev, pre_o += P_o c, pre_f += P_f cPrev
          dcp += dPreI * v[pi + j] + dPreF * v[pi + 2 * hid + j];
          s.grads[pi + j] += dPreI * cp;
          s.grads[pi + hid + j] += dPreO * cn;
          s.grads[pi + 2 * hid + j] += dPreF * cp;
        }
        s.dcCur[dc0 + j] = dcp;
      }
    }
  }

  // ------------------------------------------------------------------------------------------------
  /**
   * GRU with the reset gate after the hidden product (PyTorch, cuDNN, ONNX linear_before_reset=1):
   * {@code n = g(W_in x + b_in + r * (W_hn h + b_hn))}. {@code aux} holds {@code W_hn h + b_hn}.
   */
  static final class GruResetAfter extends Cell {
    @Override
    void inputBias(Scan s, float[] dst, int off) {
      super.inputBias(s, dst, off);
      if (s.bIh >= 0) {
        int hid = s.hidden;
        for (int j = 2 * hid; j < 3 * hid; j++) {
          dst[off + j] = s.values[s.bIh + j]; // b_hn stays inside r * (...)
        }
      }
    }

    @Override
    void forwardStep(Scan s, int t) {
      int rows = s.rows;
      int hid = s.hidden;
      int base = t * rows * s.gh;
      int hBase = t * rows * hid;
      // rec [B, 3H] = hPrev x W_hh^T (hPrev with the recurrent-dropout mask, when there is one)
      s.recurrentProduct(s.gh, 0, s.recIn(), hBase, 0f, s.rec, 0, s.gh);
      s.forEachRow(t, FORWARD_ROWS);
    }

    private static final Rows FORWARD_ROWS = GruResetAfter::forwardRows;
    private static final Rows BACKWARD_ROWS = GruResetAfter::backwardRows;

    private static void forwardRows(Scan s, int t, int from, int to) {
      int rows = s.rows;
      int hid = s.hidden;
      int base = t * rows * s.gh;
      int hBase = t * rows * hid;
      Activation fa = s.act[0];
      Activation ga = s.act[1];
      for (int b = from; b < to; b++) {
        if (!s.active(t, b)) {
          continue;
        }
        int g = base + b * s.gh;
        int r0 = b * s.gh;
        int a = hBase + b * hid;
        for (int j = 0; j < 2 * hid; j++) {
          s.pre[g + j] += s.rec[r0 + j];
        }
        for (int j = 0; j < hid; j++) {
          s.aux[a + j] = s.rec[r0 + 2 * hid + j] + (s.bHh >= 0 ? s.values[s.bHh + 2 * hid + j] : 0f);
        }
        if (s.defaultMath) {
          s.k.gruForwardRow(hid, s.pre, g, s.aux, a, s.gates, g, s.hPrev, a, s.hCur, b * hid);
          continue;
        }
        for (int j = 0; j < hid; j++) {
          float preR = s.clamp(s.pre[g + j]);
          float preZ = s.clamp(s.pre[g + hid + j]);
          float r = fa.apply(preR);
          float z = fa.apply(preZ);
          float preN = s.clamp(s.pre[g + 2 * hid + j] + r * s.aux[a + j]);
          float n = ga.apply(preN);
          s.pre[g + j] = preR;
          s.pre[g + hid + j] = preZ;
          s.pre[g + 2 * hid + j] = preN; // the full pre-activation, input and reset parts
          s.gates[g + j] = r;
          s.gates[g + hid + j] = z;
          s.gates[g + 2 * hid + j] = n;
          s.hCur[b * hid + j] = (1f - z) * n + z * s.hPrev[a + j];
        }
      }
    }

    @Override
    void backwardStep(Scan s, int t) {
      // the rows put the step's recurrent-product gradient [B, 3H] into rec, and its n block into dRec
      s.forEachRow(t, BACKWARD_ROWS);
      s.recurrentInputGradient(t, s.rec, 0, s.gh, false);
    }

    private static void backwardRows(Scan s, int t, int from, int to) {
      int rows = s.rows;
      int hid = s.hidden;
      int base = t * rows * s.gh;
      int hBase = t * rows * hid;
      Activation fa = s.act[0];
      Activation ga = s.act[1];
      for (int b = from; b < to; b++) {
        int g = base + b * s.gh;
        if (!s.active(t, b)) {
          Arrays.fill(s.dPre, g, g + s.gh, 0f);
          Arrays.fill(s.rec, b * s.gh, (b + 1) * s.gh, 0f);
          Arrays.fill(s.dRec, hBase + b * hid, hBase + (b + 1) * hid, 0f);
          Arrays.fill(s.dhNext, b * hid, (b + 1) * hid, 0f);
          continue;
        }
        int a = hBase + b * hid;
        int r0 = b * s.gh;
        if (s.defaultMath) {
          s.k.gruBackwardRow(hid, s.gates, g, s.aux, a, s.hPrev, a, s.dhCur, b * hid, s.dPre, g, s.rec,
              r0, s.dhNext, b * hid);
          // r and z enter the recurrent product as they enter pre (their gradients are dPre's); only
          // the n block differs (times r), so only it is kept for dW_hh
          System.arraycopy(s.rec, r0 + 2 * hid, s.dRec, a, hid);
          continue;
        }
        for (int j = 0; j < hid; j++) {
          float r = s.gates[g + j];
          float z = s.gates[g + hid + j];
          float n = s.gates[g + 2 * hid + j];
          float dh = s.dhCur[b * hid + j];
          // h = (1 - z) n + z hPrev
          float dPreN = dh * (1f - z) * ga.derivative(s.pre[g + 2 * hid + j], n)
              * s.clipMask(s.pre[g + 2 * hid + j]);
          float dPreZ = dh * (s.hPrev[a + j] - n) * fa.derivative(s.pre[g + hid + j], z)
              * s.clipMask(s.pre[g + hid + j]);
          // pre_n = input part + r * aux
          float dPreR = dPreN * s.aux[a + j] * fa.derivative(s.pre[g + j], r) * s.clipMask(s.pre[g + j]);
          s.dPre[g + j] = dPreR;
          s.dPre[g + hid + j] = dPreZ;
          s.dPre[g + 2 * hid + j] = dPreN;
          s.rec[r0 + j] = dPreR;
          s.rec[r0 + hid + j] = dPreZ;
          s.rec[r0 + 2 * hid + j] = dPreN * r;
          s.dRec[a + j] = dPreN * r;
          s.dhNext[b * hid + j] = dh * z;
        }
      }
    }

    @Override
    void recurrentWeightGradients(Scan s, int n) {
      // dW_hh [3H, P] += [dPre_r, dPre_z | dRec_n]^T [3H, TB] x hPrev [TB, P], the blocks from their buffers
      int hid = s.hidden;
      int p = s.outHidden;
      s.k.gemm(true, false, 2 * hid, p, n, 1f, s.dPre, 0, s.gh, s.recIn(), 0, p, 1f, s.grads, s.wHh, p);
      s.k.gemm(true, false, hid, p, n, 1f, s.dRec, 0, hid, s.recIn(), 0, p, 1f, s.grads, s.wHh + 2 * hid * p,
          p);
      if (s.bHh >= 0) {
        // db_hh r, z = db_ih r, z (the column sums of dPre, Scan.backward); n = the sums of dRec_n
        s.k.axpy(2 * hid, 1f, s.dPreSums, 0, s.grads, s.bHh);
        s.k.addColumnSums(n, hid, s.dRec, 0, hid, s.grads, s.bHh + 2 * hid);
      }
    }
  }

  // ------------------------------------------------------------------------------------------------
  /**
   * GRU with the reset gate before the hidden product (Cho et al., ONNX default, Keras
   * reset_after=False): {@code n = g(W_in x + b_in + W_hn (r * h) + b_hn)}. {@code aux} holds
   * {@code r * hPrev}.
   */
  static final class GruResetBefore extends Cell {
    @Override
    void forwardStep(Scan s, int t) {
      int rows = s.rows;
      int hid = s.hidden;
      int base = t * rows * s.gh;
      int hBase = t * rows * hid;
      // pre[:, r|z] += hPrev x W_hh[r|z]^T
      s.recurrentProduct(2 * hid, 0, s.recIn(), hBase, 1f, s.pre, base, s.gh);
      Activation fa = s.act[0];
      Activation ga = s.act[1];
      for (int b = 0; b < rows; b++) {
        int g = base + b * s.gh;
        int a = hBase + b * hid;
        for (int j = 0; j < 2 * hid; j++) {
          float p = s.clamp(s.pre[g + j]);
          s.pre[g + j] = p;
          s.gates[g + j] = fa.apply(p);
        }
        for (int j = 0; j < hid; j++) {
          s.aux[a + j] = s.gates[g + j] * s.recIn()[a + j];
        }
      }
      // pre[:, n] += (r * hPrev) x W_hn^T
      s.recurrentProduct(hid, 2 * hid, s.aux, hBase, 1f, s.pre, base + 2 * hid, s.gh);
      for (int b = 0; b < rows; b++) {
        if (!s.active(t, b)) {
          continue;
        }
        int g = base + b * s.gh;
        int a = hBase + b * hid;
        for (int j = 0; j < hid; j++) {
          float p = s.clamp(s.pre[g + 2 * hid + j]);
          s.pre[g + 2 * hid + j] = p;
          float n = ga.apply(p);
          s.gates[g + 2 * hid + j] = n;
          float z = s.gates[g + hid + j];
          s.hCur[b * hid + j] = (1f - z) * n + z * s.hPrev[a + j];
        }
      }
    }

    @Override
    void backwardStep(Scan s, int t) {
      int rows = s.rows;
      int hid = s.hidden;
      int base = t * rows * s.gh;
      int hBase = t * rows * hid;
      Activation fa = s.act[0];
      Activation ga = s.act[1];
      for (int b = 0; b < rows; b++) {
        int g = base + b * s.gh;
        if (!s.active(t, b)) {
          Arrays.fill(s.dPre, g, g + s.gh, 0f);
          Arrays.fill(s.dhNext, b * hid, (b + 1) * hid, 0f);
          continue;
        }
        int a = hBase + b * hid;
        for (int j = 0; j < hid; j++) {
          float z = s.gates[g + hid + j];
          float n = s.gates[g + 2 * hid + j];
          float dh = s.dhCur[b * hid + j];
          float preN = s.pre[g + 2 * hid + j];
          float preZ = s.pre[g + hid + j];
          s.dPre[g + 2 * hid + j] = dh * (1f - z) * ga.derivative(preN, n) * s.clipMask(preN);
          s.dPre[g + hid + j] = dh * (s.hPrev[a + j] - n) * fa.derivative(preZ, z) * s.clipMask(preZ);
          s.dhNext[b * hid + j] = dh * z;
        }
      }
      // d(r * hPrev) [B, H] = dPre_n [B, H] x W_hn [H, H]
      s.k.gemm(false, false, rows, hid, hid, 1f, s.dPre, base + 2 * hid, s.gh, s.values,
          s.wHh + 2 * hid * hid, hid, 0f, s.dTmp, 0, hid);
      for (int b = 0; b < rows; b++) {
        if (!s.active(t, b)) {
          continue;
        }
        int g = base + b * s.gh;
        int a = hBase + b * hid;
        for (int j = 0; j < hid; j++) {
          float r = s.gates[g + j];
          float drh = s.dTmp[b * hid + j];
          float preR = s.pre[g + j];
          s.dPre[g + j] = drh * s.recIn()[a + j] * fa.derivative(preR, r) * s.clipMask(preR);
          s.dhRec[b * hid + j] = drh * r; // joins the recurrent product's gradient (same mask)
        }
      }
      s.recurrentInputGradient(t, s.dPre, base, 2 * hid, true);
    }

    @Override
    void recurrentWeightGradients(Scan s, int n) {
      int hid = s.hidden;
      // r and z rows pair with hPrev, the n rows with r * hPrev.
      s.k.gemm(true, false, 2 * hid, hid, n, 1f, s.dPre, 0, s.gh, s.recIn(), 0, hid, 1f, s.grads, s.wHh,
          hid);
      s.k.gemm(true, false, hid, hid, n, 1f, s.dPre, 2 * hid, s.gh, s.aux, 0, hid, 1f, s.grads,
          s.wHh + 2 * hid * hid, hid);
      if (s.bHh >= 0) {
        s.k.axpy(s.gh, 1f, s.dPreSums, 0, s.grads, s.bHh); // the same sums as db_ih (Scan.backward)
      }
    }
  }
}
