package dev.gargoyle.cli;

import picocli.CommandLine.Option;

/** {@code --workers}, shared by the commands that read a data set. */
final class WorkersOption {
    @Option(names = "--workers", description = "Image decoding threads (default: the core count).")
    Integer workers;

    /** The threads asked for, or one per processor. */
    int threads() {
        return workers != null ? workers : Runtime.getRuntime().availableProcessors();
    }
}
