package io.sekisho.extract;

import java.util.List;

/**
 * How long extraction workers are expected to live, which decides how their JVM compiles
 * (docs/adr/0014, docs/adr/0016).
 *
 * <p>Each worker compiles Tika's parsers for itself. The optimising compiler (C2) makes a parse
 * of a small .docx cost about two thirds of the CPU, but it takes thousands of files to pay for
 * its own work. A command that extracts a few hundred files and ends never gets there; a gateway
 * does within minutes and then runs for weeks.
 */
public enum WorkerLife {
    /** A command's workers ({@code scan}, {@code catalogue add}): the quick compiler (C1) only. */
    SHORT(List.of("-XX:TieredStopAtLevel=1")),
    /** The gateway's workers: the JVM's default tiered compilation, C1 first, C2 for what runs hot. */
    LONG(List.of());

    private final List<String> compilerOptions;

    WorkerLife(List<String> compilerOptions) {
        this.compilerOptions = compilerOptions;
    }

    /** The worker JVM's options for its compilers. */
    List<String> compilerOptions() {
        return compilerOptions;
    }
}
