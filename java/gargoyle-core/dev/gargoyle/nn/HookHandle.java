package dev.gargoyle.nn;

/** A registered hook; {@link #close()} removes it, and cannot fail. */
@FunctionalInterface
public interface HookHandle extends AutoCloseable {
    @Override
    void close();
}
