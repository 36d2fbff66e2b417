package dev.gargoyle.cpu;

/**
 * Four small heap arrays one thread copies a stretch of each operand into: the JIT vectorises
 * loops over arrays (about twice as fast here) but not over direct buffers, and the bulk copies
 * in and out run at memcpy speed. {@link #LENGTH} floats each keep all four in the L2 cache.
 */
final class Chunks {
    static final int LENGTH = 2048;

    final float[] a = new float[LENGTH];
    final float[] b = new float[LENGTH];
    final float[] c = new float[LENGTH];
    final float[] d = new float[LENGTH];
}
