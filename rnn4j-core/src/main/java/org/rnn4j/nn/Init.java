package org.rnn4j.nn;

/**
 * Weight initialisation of a recurrent layer. Thread-safe (an enum).
 *
 * <ul>
 *   <li>{@link #PYTORCH}: every parameter uniform in ±1/sqrt(hiddenSize) (PyTorch's default);
 *   <li>{@link #KERAS}: input weights Glorot-uniform, recurrent weights orthogonal, biases zero and
 *       the LSTM forget-gate bias 1 (Keras's defaults, unit_forget_bias). Keras has one bias per
 *       gate; here the forget bias 1 goes into {@code bias_ih} and {@code bias_hh} stays zero, so
 *       their sum is Keras's.
 * </ul>
 */
public enum Init {
  PYTORCH, KERAS
}
