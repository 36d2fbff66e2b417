package dev.gargoyle.cpu;

/** A native resource with exactly one owner; closing it frees it and never throws. */
interface Resource extends AutoCloseable {
    @Override
    void close();
}
