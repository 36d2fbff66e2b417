package dev.gargoyle.bench;

import dev.gargoyle.tensor.Shape;
import java.util.List;

/**
 * One layer of a shape set: its kind, its geometry, and the passes the bench times for it, with
 * the work each pass does (floating-point operations for convolutions, bytes moved for the
 * memory-bound layers).
 */
public sealed interface BenchLayer permits ConvLayer, PoolLayer, BatchNormLayer {

    /** The name shown in tables, e.g. {@code features.0} for the AHE model. */
    String name();

    /** {@code conv}, {@code pool} or {@code bn}, as in shape files. */
    String kind();

    /** The input {@code [N, C, H, W]}. */
    Shape input();

    /** The output {@code [N, K, P, Q]}. */
    Shape output();

    /** The geometry in one short line, e.g. {@code 64x3x64x64 -> 32 3x3 pad 1 stride 1}. */
    String geometry();

    /** The passes timed for this layer, forward first. */
    List<Pass> passes();

    /** Floating-point operations of one run of {@code pass}; 0 for the memory-bound layers. */
    double flops(Pass pass);

    /** Bytes one run of {@code pass} must read and write at least (each tensor counted once). */
    double bytes(Pass pass);

    /** {@code NxCxHxW}. */
    static String dims(Shape s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.rank(); i++) {
            b.append(i == 0 ? "" : "x").append(s.dim(i));
        }
        return b.toString();
    }
}
