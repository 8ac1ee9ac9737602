package org.rnn4j.cli.options;

import org.rnn4j.nn.CellType;
import picocli.CommandLine.Option;

/**
 * The recurrent stack's options ({@code --cell --hidden --layers --dropout}), declared once for every
 * command that builds a model; each command passes its own defaults. A network whose weights and
 * training state cannot fit in this JVM's memory is refused before anything is allocated. Not thread-safe (picocli fills it
 * once per command line).
 */
public final class ModelOptions implements CombinedCheck {
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

  /**
   * A lower bound of the bytes training this stack needs, whatever its input: the recurrent weights
   * ({@code gates x hidden x hidden} in the first layer, {@code gates x hidden x 2 hidden} above it),
   * each with its gradient and Adam's two moments (4 floats a weight).
   */
  public long leastTrainingBytes() {
    long gates = switch (cell.toLowerCase(java.util.Locale.ROOT)) {
      case "lstm" -> 4;
      case "gru" -> 3;
      default -> 1;
    };
    double h = hidden;
    double weights = gates * h * h + (layers - 1) * gates * h * 2 * h;
    return (long) Math.min(Long.MAX_VALUE, 16 * weights);
  }

  @Override
  public String problem() {
    long need = leastTrainingBytes();
    long may = Runtime.getRuntime().maxMemory();
    if (need <= may) {
      return null;
    }
    return String.format(java.util.Locale.ROOT, "--hidden %d with --layers %d (%s): the weights and their training"
        + " state need at least %s; this JVM may use %s (lower --hidden or --layers, or raise -Xmx)",
        hidden, layers, cell, bytes(need), bytes(may));
  }

  /** "6.0 GB". */
  static String bytes(double b) {
    String[] units = {"B", "KB", "MB", "GB", "TB", "PB", "EB"};
    int u = 0;
    while (b >= 1024 && u < units.length - 1) {
      b /= 1024;
      u++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", b, units[u]);
  }

  /** The cell {@code --cell} names (checked by {@link OneOf} before the command runs). */
  public CellType cellType() {
    return CellType.parse(cell);
  }
}
