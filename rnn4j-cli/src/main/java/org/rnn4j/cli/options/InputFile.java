package org.rnn4j.cli.options;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a path option the command reads: {@link OptionChecks} refuses, before the command runs, a path
 * that does not exist, is not of the expected kind (see {@link #kind()}), cannot
 * be read, or is an empty file, in one line naming the option and the path.
 * Read by reflection, like every annotation: immutable and thread-safe.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InputFile {
  /** What the path must name. */
  Kind kind() default Kind.FILE;

  /** What an input path names. */
  enum Kind {
    /** A regular, non-empty file. */
    FILE,
    /** A folder (a model repository). */
    FOLDER,
    /** Either (a case file or a folder of them). */
    EITHER
  }
}
