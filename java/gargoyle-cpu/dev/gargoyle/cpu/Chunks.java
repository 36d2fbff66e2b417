package dev.gargoyle.cpu;

/**
 * Small heap arrays one thread copies a stretch of each operand into: the JIT vectorises loops over
 * arrays (about twice as fast here) but not over direct buffers, and the bulk copies in and out run
 * at memcpy speed. {@link #LENGTH} elements each keep them all in the L2 cache. The int arrays hold
 * floats' raw bits, for tests on NaN that must not branch (a branch per element on data-dependent
 * signs mispredicts half the time: ReLU's backward ran ten times slower with one).
 */
final class Chunks {
    static final int LENGTH = 2048;

    final float[] a = new float[LENGTH];
    final float[] b = new float[LENGTH];
    final float[] c = new float[LENGTH];
    final float[] d = new float[LENGTH];
    final int[] bitsA = new int[LENGTH];
    final int[] bitsB = new int[LENGTH];
    /** Never written: a source of zeros to copy out. */
    final float[] zeros = new float[LENGTH];
}
