/**
 * Model interchange: PyTorch state dicts (safetensors and {@code torch.save} {@code .pt} files), ONNX
 * graphs written by {@code torch.onnx.export}, and Keras {@code .keras}/{@code .h5} models, all mapped
 * onto rnn4j's engine, which follows PyTorch's weight convention.
 */
package org.rnn4j.interop;
