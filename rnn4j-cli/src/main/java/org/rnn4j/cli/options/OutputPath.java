package org.rnn4j.cli.options;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a path option the command writes to: a folder ({@link #folder()}, the default: {@code --out})
 * or a file ({@code --report}). {@link OptionChecks} refuses, before any work, a folder path that is an
 * existing file, a file path that is an existing folder, and a path below an existing file, in one line
 * naming the option and the path.
 * Read by reflection, like every annotation: immutable and thread-safe.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface OutputPath {
  /** True (the default) when the option names a folder, false for a file. */
  boolean folder() default true;
}
