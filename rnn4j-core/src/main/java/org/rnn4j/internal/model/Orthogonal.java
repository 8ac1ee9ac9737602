package org.rnn4j.internal.model;

import java.util.SplittableRandom;

/**
 * Orthogonal initialisation (Saxe et al.; Keras's {@code Orthogonal}): a random normal matrix made
 * orthonormal by modified Gram-Schmidt in double precision. Stateless and thread-safe.
 */
final class Orthogonal {
  private Orthogonal() {
  }

  /**
   * Fills {@code v[off ..]} with a [rows, cols] matrix whose columns (rows >= cols) or rows
   * (rows < cols) are orthonormal.
   */
  static void fill(float[] v, int off, int rows, int cols, SplittableRandom random) {
    boolean tall = rows >= cols;
    int n = tall ? rows : cols; // vector length
    int count = tall ? cols : rows; // number of orthonormal vectors
    double[][] q = new double[count][n];
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < n; j++) {
        q[i][j] = EmbeddingLayer.gaussian(random);
      }
      for (int pass = 0; pass < 2; pass++) { // re-orthogonalise once for accuracy
        for (int k = 0; k < i; k++) {
          double dot = 0;
          for (int j = 0; j < n; j++) {
            dot += q[i][j] * q[k][j];
          }
          for (int j = 0; j < n; j++) {
            q[i][j] -= dot * q[k][j];
          }
        }
      }
      double norm = 0;
      for (int j = 0; j < n; j++) {
        norm += q[i][j] * q[i][j];
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < n; j++) {
        q[i][j] /= norm;
      }
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        v[off + r * cols + c] = (float) (tall ? q[c][r] : q[r][c]);
      }
    }
  }
}
