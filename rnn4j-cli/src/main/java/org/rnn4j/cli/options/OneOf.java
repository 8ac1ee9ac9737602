package org.rnn4j.cli.options;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The words a text option accepts (compared without case), declared beside its {@code @Option};
 * {@link OptionChecks} answers any other word, before the command runs, in one line listing them.
 * Read by reflection, like every annotation: immutable and thread-safe.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface OneOf {
  /** The accepted words, in the order the message lists them. */
  String[] value();
}
