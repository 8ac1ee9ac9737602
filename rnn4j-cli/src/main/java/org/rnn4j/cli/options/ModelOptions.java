package org.rnn4j.cli.options;

import org.rnn4j.nn.CellType;
import picocli.CommandLine.Option;

/**
 * The recurrent stack's options ({@code --cell --hidden --layers --dropout}), declared once for every
 * command that builds a model; each command passes its own defaults. Not thread-safe (picocli fills it
 * once per command line).
 */
public final class ModelOptions {
  @OneOf({"lstm", "gru", "rnn"})
  @Option(names = "--cell", paramLabel = "lstm|gru|rnn", description = "The recurrent cell: lstm, gru or rnn (default: ${DEFAULT-VALUE}).")
  public String cell;

  @Range(min = 1, max = 65536)
  @Option(names = "--hidden", paramLabel = "N", description = "Hidden units per recurrent layer (default: ${DEFAULT-VALUE}).")
  public int hidden;

  @Range(min = 1, max = 64)
  @Option(names = "--layers", paramLabel = "N", description = "Stacked recurrent layers (default: ${DEFAULT-VALUE}).")
  public int layers;

  @Range(min = 0, max = 1, maxExclusive = true)
  @Option(names = "--dropout", paramLabel = "RATE", description = "Dropout rate between layers and before the output layer, 0 = none (default: ${DEFAULT-VALUE}).")
  public float dropout;

  /** The defaults of a command that builds a model. */
  public ModelOptions(String cell, int hidden, int layers, float dropout) {
    this.cell = cell;
    this.hidden = hidden;
    this.layers = layers;
    this.dropout = dropout;
  }

  /** The cell {@code --cell} names (checked by {@link OneOf} before the command runs). */
  public CellType cellType() {
    return CellType.parse(cell);
  }
}
