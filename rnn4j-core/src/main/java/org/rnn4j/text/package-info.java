/**
 * Text for recurrent models: {@link org.rnn4j.text.CharTokenizer} and {@link
 * org.rnn4j.text.WordTokenizer} (Unicode-aware), {@link org.rnn4j.text.Vocabulary} (padding and
 * unknown ids, size limit, minimum frequency, saved in model files), {@link
 * org.rnn4j.text.TextEncoder} (padding, truncation and lengths), {@link org.rnn4j.text.TextStreams}
 * (char-rnn's stream batches for language models), {@link org.rnn4j.text.Sampler} (temperature,
 * top-k, top-p, seeded), {@link org.rnn4j.text.TextClassifier} and {@link
 * org.rnn4j.text.TextGenerator} (a trained model with what it needs to read and write text).
 */
package org.rnn4j.text;
