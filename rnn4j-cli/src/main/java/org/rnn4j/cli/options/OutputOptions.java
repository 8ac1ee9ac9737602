package org.rnn4j.cli.options;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.rnn4j.cli.UserInputException;
import org.rnn4j.io.AtomicFiles;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where a training command writes ({@code --out}) and whether it picks up its checkpoint there
 * ({@code --resume}), declared once; each command passes its own default folder. {@link #start} is the
 * one resume policy of every training command: a fresh run clears the old state, a resumed run is
 * refused, naming the first difference, when its options or input files are not those the state was
 * made with. Not thread-safe (picocli fills it once per command line).
 */
public final class OutputOptions {
  /** The fingerprint file beside the resumable state. */
  public static final String FINGERPRINT = "resume.properties";

  @OutputPath
  @ResumeMayChange
  @Option(names = "--out", paramLabel = "DIR", description = "Folder for the model, its checkpoint, history and charts (default: ${DEFAULT-VALUE}).")
  public Path out;

  @ResumeMayChange
  @Option(names = "--resume", description = "Resume from the checkpoint in --out if there is one (made with the same options and data).")
  public boolean resume;

  /** The fingerprint's key of the command that made the state (no option is named so: options start "--"). */
  private static final String COMMAND = "command";

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** The default folder of a command. */
  public OutputOptions(String out) {
    this.out = Path.of(out);
  }

  /**
   * Creates {@code --out} and returns the resumable state in it ({@code name}: a checkpoint file or a
   * work folder). Without {@code --resume} an old state is removed; with it, a state made with other
   * options or other input files is refused in one line. The run's fingerprint is written either way.
   *
   * @throws UserInputException when {@code --resume} meets a state made with other options or data
   */
  public Path start(String name) throws IOException {
    return start(name, Map.of());
  }

  /**
   * As {@link #start(String)}, the resumable state also bound to {@code more}: the fingerprint of
   * another command the run drives (a search's training command, its data by content).
   */
  public Path start(String name, Map<String, String> more) throws IOException {
    Files.createDirectories(out);
    Path state = out.resolve(name);
    Path file = out.resolve(FINGERPRINT);
    Map<String, String> now = new TreeMap<>(more);
    now.putAll(fingerprint());
    String madeNow = command.qualifiedName(" ").replaceFirst("^rnn4j ", "");
    if (resume && Files.exists(state) && Files.exists(file)) {
      Properties then = new Properties();
      try (InputStream in = Files.newInputStream(file)) {
        then.load(in);
      }
      String madeBy = then.getProperty(COMMAND);
      // a state from before the command was recorded matches any
      if (madeBy != null && !madeBy.equals(madeNow)) {
        throw new UserInputException("--resume: the state in " + out + " was made by 'rnn4j " + madeBy
            + "', this run is 'rnn4j " + madeNow + "'; use another --out, or run without --resume to"
            + " start afresh");
      }
      for (Map.Entry<String, String> e : now.entrySet()) {
        String was = then.getProperty(e.getKey());
        if (!e.getValue().equals(was)) {
          throw new UserInputException("--resume: the state in " + out + " was made with " + e.getKey() + " "
              + (was == null ? "unset" : was) + ", this run has " + e.getKey() + " " + e.getValue()
              + "; run with the same options and data, or without --resume to start afresh");
        }
      }
    }
    if (!resume) {
      clear(state);
    }
    Properties props = new Properties();
    props.putAll(now);
    props.put(COMMAND, madeNow);
    AtomicFiles.write(file, o -> props.store(o, "what a --resume must match"));
    return state;
  }

  /** Removes the resumable state and its fingerprint once the run has finished. */
  public void finish(Path state) throws IOException {
    clear(state);
    Files.deleteIfExists(out.resolve(FINGERPRINT));
  }

  private static void clear(Path state) throws IOException {
    if (Files.isDirectory(state)) {
      try (Stream<Path> files = Files.list(state)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(f);
        }
      }
    } else {
      Files.deleteIfExists(state);
    }
  }

  /** Every option a resume must match (input files by content), sorted by name. */
  public Map<String, String> fingerprint() throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (OptionSpec option : command.options()) {
      if (!(option.userObject() instanceof Field field) || field.getAnnotation(ResumeMayChange.class) != null
          || option.usageHelp() || option.versionHelp()) {
        continue;
      }
      Object value = option.getValue();
      if (field.getAnnotation(InputFile.class) != null && value instanceof Path path) {
        out.put(option.longestName(), "sha256:" + sha256(path));
      } else {
        out.put(option.longestName(), String.valueOf(value));
      }
    }
    return out;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /**
   * The list of files a command wrote: "wrote:", then one line per (label, what) pair, the labels in a
   * column ({@code "  model     runs/x/model.rnn4j"}); a pair whose {@code what} is null is left out.
   */
  public static void printWritten(java.io.PrintWriter o, Object... labelsAndWhat) {
    o.println("wrote:");
    for (int i = 0; i + 1 < labelsAndWhat.length; i += 2) {
      if (labelsAndWhat[i + 1] != null) {
        o.printf(java.util.Locale.ROOT, "  %-9s %s%n", labelsAndWhat[i], labelsAndWhat[i + 1]);
      }
    }
  }
}
