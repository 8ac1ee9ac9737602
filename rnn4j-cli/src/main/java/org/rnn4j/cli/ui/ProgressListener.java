package org.rnn4j.cli.ui;

import java.io.PrintStream;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;
import org.rnn4j.train.History;
import org.rnn4j.train.TrainingListener;

/**
 * Shows training progress the way Keras does. On a terminal ({@code interactive}), one progress bar
 * per epoch, redrawn in place by the {@code me.tongfei.progressbar} library:
 *
 * <pre>
 * Epoch 3/20 [=====&gt;                        ]  45/120 loss 0.0431 1.2k ex/s ETA 0:03
 * </pre>
 *
 * which turns, when the epoch ends, into its summary line (the bar stays full on screen):
 *
 * <pre>
 * Epoch 3/20 [==============================] 120/120 loss 0.0412 val_loss 0.0530 lr 1.00e-03 3.2s
 * </pre>
 *
 * <p>When the output is not a terminal (a log file, a pipe, CI), no carriage returns and no bar: one
 * line per epoch, {@code Epoch 3/20 loss 0.0412 val_loss 0.0530 lr 1.00e-03 3.2s}, and before it at
 * most one progress line per tenth of the epoch ({@code Epoch 3/20  45/120 loss 0.0431 1.2k ex/s
 * ETA 0:03}), written only when at least {@value #LOG_INTERVAL_SECONDS} seconds have passed since
 * the epoch began or since the last line, so short epochs give exactly one line each. {@link
 * #message(String)} text goes through as it is, on its own line, in both modes. {@code val_loss} is
 * left out when there is no validation data; the learning rate when it is not positive.
 *
 * <p>Close the listener when training ends, normally or with an exception ({@code
 * try (ProgressListener progress = ProgressListener.forConsole()) { ... }}): an epoch cut short
 * otherwise leaves its bar being redrawn.
 *
 * <p>Not thread-safe: the trainer calls it from its training thread, as {@link TrainingListener}
 * promises. In interactive mode the progress-bar library redraws from its own daemon thread; the
 * listener hands that thread immutable snapshots through volatile fields and never prints while
 * holding partial state.
 */
public final class ProgressListener implements TrainingListener, AutoCloseable {
  /** Minimum seconds between two progress lines of one epoch in non-interactive mode. */
  public static final int LOG_INTERVAL_SECONDS = 10;
  /** How often the bar is redrawn (it also redraws between steps so the ETA keeps counting). */
  private static final int REDRAW_MILLIS = 200;

  private final PrintStream out;
  private final boolean interactive;
  private final LongSupplier nanoClock;
  private final long logIntervalNanos;
  private final int terminalWidth;

  private int epoch;
  private int epochs;
  private int steps;
  private long epochStartNanos;
  // non-interactive mode
  private long lastLineNanos;
  private int lastTenth;
  // interactive mode
  private ProgressBar bar;
  private BarRenderer renderer;
  private LineConsumer consumer;

  /**
   * A listener writing to {@code out}.
   *
   * @param out         where the bar or the lines go (the caller keeps ownership; close does not
   *                    close it)
   * @param interactive true to draw a bar redrawn in place (carriage returns), false for plain lines
   */
  public ProgressListener(PrintStream out, boolean interactive) {
    this(out, interactive, System::nanoTime, TimeUnit.SECONDS.toNanos(LOG_INTERVAL_SECONDS), 0);
  }

  /**
   * For tests: a clock, the minimum interval between progress lines, and a fixed terminal width (0
   * to ask the terminal).
   */
  ProgressListener(PrintStream out, boolean interactive, LongSupplier nanoClock, long logIntervalNanos,
      int terminalWidth) {
    this.out = Objects.requireNonNull(out, "out");
    this.interactive = interactive;
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.logIntervalNanos = logIntervalNanos;
    this.terminalWidth = terminalWidth;
  }

  /**
   * A listener on {@code System.out}, interactive when the process has a console ({@code
   * System.console() != null}: standard input and output are a terminal) and {@code TERM} is not
   * {@code dumb}.
   */
  public static ProgressListener forConsole() {
    return new ProgressListener(System.out,
        isInteractive(System.console() != null, System.getenv("TERM")));
  }

  /** The rule of {@link #forConsole()}: a console, and a terminal type other than "dumb". */
  static boolean isInteractive(boolean hasConsole, String term) {
    return hasConsole && !"dumb".equalsIgnoreCase(term);
  }

  /** Whether this listener draws a bar (true) or writes plain lines (false). */
  public boolean interactive() {
    return interactive;
  }

  @Override
  public void epochStarted(int epoch, int epochs, int steps) {
    closeBar();
    this.epoch = epoch;
    this.epochs = epochs;
    this.steps = steps;
    this.epochStartNanos = nanoClock.getAsLong();
    this.lastLineNanos = epochStartNanos;
    this.lastTenth = 0;
    if (interactive && steps > 0) {
      renderer = new BarRenderer(new Snapshot(epoch, epochs, steps, 0, Double.NaN, Double.NaN,
          epochStartNanos, epochStartNanos));
      consumer = new LineConsumer(out, terminalWidth);
      bar = new ProgressBarBuilder()
          .setTaskName(ProgressFormat.epoch(epoch, epochs))
          .setInitialMax(steps)
          .setUpdateIntervalMillis(REDRAW_MILLIS)
          .continuousUpdate()
          .setRenderer(renderer)
          .setConsumer(consumer)
          .build();
    }
  }

  @Override
  public void batchFinished(int epoch, int step, int steps, double meanLoss, double examplesPerSecond) {
    long now = nanoClock.getAsLong();
    if (bar != null) {
      renderer.snapshot = new Snapshot(epoch, epochs, steps, step, meanLoss, examplesPerSecond,
          epochStartNanos, now);
      bar.stepTo(step);
      return;
    }
    if (interactive || steps <= 0 || step >= steps) {
      return; // the epoch line follows
    }
    int tenth = (int) ((long) step * 10 / steps);
    if (tenth > lastTenth && now - lastLineNanos >= logIntervalNanos) {
      double elapsed = (now - epochStartNanos) / 1e9;
      println(ProgressFormat.epoch(epoch, epochs) + " " + ProgressFormat.progressFields(step, steps,
          meanLoss, examplesPerSecond, ProgressFormat.eta(elapsed, step, steps)));
      lastTenth = tenth;
      lastLineNanos = now;
    }
  }

  @Override
  public void epochFinished(History.Epoch e) {
    String fields = ProgressFormat.epochFields(e.trainLoss(), e.validationLoss(), e.metrics(),
        e.learningRate(), e.seconds());
    if (bar != null) {
      renderer.summary = fields;
      closeBar(); // the final redraw writes the summary in place of the running fields
    } else {
      println(ProgressFormat.epoch(e.epoch(), epochs) + " " + fields);
    }
  }

  @Override
  public void message(String text) {
    if (bar != null) {
      // One print call, so it cannot interleave with a redraw; the bar reappears on the next line.
      out.print("\r" + padRight(text, renderer.lastLength) + System.lineSeparator());
      out.flush();
    } else {
      println(text);
    }
  }

  /** Stops a bar still running (its last state stays on screen) and flushes; the stream stays open. */
  @Override
  public void close() {
    closeBar();
    out.flush();
  }

  private void closeBar() {
    if (bar != null) {
      ProgressBar b = bar;
      bar = null;
      b.close(); // waits for the final redraw, which then ends the line
      if (!consumer.closed) {
        // The library skips ending the line when the bar closes before its first scheduled redraw.
        out.println();
      }
      out.flush();
    }
  }

  private void println(String line) {
    out.println(line);
    out.flush();
  }

  static String padRight(String s, int length) {
    return s.length() >= length ? s : s + " ".repeat(length - s.length());
  }

  /**
   * Writes the bar after a carriage return; ends its line once and then ignores further redraws.
   * (The library can run its closing redraw twice when a scheduled redraw coincides with {@code
   * close()}, which would print the summary line twice.)
   */
  private static final class LineConsumer extends ConsoleProgressBarConsumer {
    volatile boolean closed;

    LineConsumer(PrintStream out, int width) {
      super(out, width > 0 ? width : -1); // -1: ask the terminal for its width at each redraw
    }

    @Override
    public void accept(String line) {
      if (!closed) {
        super.accept(line);
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        super.close();
      }
    }
  }

  /** What the redraw thread needs; immutable, replaced at each step. */
  private record Snapshot(int epoch, int epochs, int steps, int step, double loss, double rate,
      long epochStartNanos, long stepNanos) {
  }

  /** Draws the Keras-style line; runs on the progress-bar library's thread. */
  private final class BarRenderer implements ProgressBarRenderer {
    volatile Snapshot snapshot;
    /** The epoch's summary fields once it finished; the next redraw (the last) shows them. */
    volatile String summary;
    /** Length of the last line drawn: shorter lines are padded so no characters are left over. */
    volatile int lastLength;

    BarRenderer(Snapshot first) {
      this.snapshot = first;
    }

    @Override
    public String render(ProgressState state, int maxLength) {
      Snapshot s = snapshot;
      String prefix = ProgressFormat.epoch(s.epoch(), s.epochs()) + " ";
      String fields;
      String done = summary;
      if (done != null) {
        fields = ProgressFormat.steps(s.step(), s.steps()) + " " + done;
      } else {
        double elapsedAtStep = (s.stepNanos() - s.epochStartNanos()) / 1e9;
        double sinceStep = (nanoClock.getAsLong() - s.stepNanos()) / 1e9;
        double eta = ProgressFormat.eta(elapsedAtStep, s.step(), s.steps()) - sinceStep;
        fields = ProgressFormat.progressFields(s.step(), s.steps(), s.loss(), s.rate(), eta);
      }
      int width = ProgressFormat.BAR_WIDTH;
      if (maxLength > 0) {
        int room = maxLength - prefix.length() - fields.length() - 3; // brackets and a space
        width = Math.max(ProgressFormat.MIN_BAR_WIDTH, Math.min(width, room));
      }
      String line = prefix + ProgressFormat.bar(s.step(), s.steps(), width) + " " + fields;
      int pad = maxLength > 0 ? Math.min(lastLength, maxLength) : lastLength;
      lastLength = Math.max(line.length(), lastLength);
      return padRight(line, pad);
    }
  }
}
