/**
 * Training building blocks that work on flat {@code float[]} buffers: optimizer specs and their
 * update rules (PyTorch 1.13's single-tensor code paths), gradient clipping, the dense head and the
 * losses.
 *
 * <p>Every optimizer, clipping function and loss loops over one flat array, the layout of
 * {@code org.rnn4j.nn.Recurrent#parameterValues()} and its gradient twin (ARCHITECTURE.md section 3).
 */
package org.rnn4j.train;
