package dev.gargoyle.bench;

/** Told each time a benchmark step is done (a pass timed, a window measured), e.g. to move a progress bar. */
@FunctionalInterface
public interface Progress {
    Progress NONE = what -> { };

    void step(String what);
}
