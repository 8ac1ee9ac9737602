package org.rnn4j.cli.options;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an option that a resumed run may change (more epochs, another patience, where to write): it
 * is left out of the fingerprint {@link OutputOptions} compares on {@code --resume}, while every other
 * option, and the content of every input file, must be as when the checkpoint was made.
 * Read by reflection, like every annotation: immutable and thread-safe.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface ResumeMayChange {}
