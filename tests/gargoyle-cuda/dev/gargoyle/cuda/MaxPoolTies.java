package dev.gargoyle.cuda;

import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Where a backend's max-pool backward sends the gradient of windows whose maximum is tied, for a
 * backend that documents no rule (cuDNN). Windows are taken one group at a time, the group's
 * windows sharing no cell, so each window's gradient shows alone on its cells: it must go whole to
 * exactly one of its tied maxima; which one is tallied, not prescribed.
 */
final class MaxPoolTies {
    /** Of the windows with a tied maximum, how many gave the gradient to the first (PyTorch's rule). */
    record Tally(int tiedWindows, int toFirst) {
        Tally plus(Tally o) {
            return new Tally(tiedWindows + o.tiedWindows, toFirst + o.toFirst);
        }
    }

    private MaxPoolTies() {
    }

    /** The max-pool backward under test, of a fixed x: dx for dy. */
    interface Backward {
        double[] dx(double[] dy);
    }

    /** Runs {@code backward} once per group of windows and checks each with {@link #verify}. */
    static Tally check(double[] x, Shape xs, Pool2dSpec spec, Random rng, Backward backward) {
        Shape ys = spec.outputShape("test", xs);
        Tally tally = new Tally(0, 0);
        for (int rowPhase = 0; rowPhase < groups(spec.kernelH(), spec.strideH()); rowPhase++) {
            for (int colPhase = 0; colPhase < groups(spec.kernelW(), spec.strideW()); colPhase++) {
                double[] dy = new double[Math.toIntExact(ys.numel())];
                for (int w : windows(spec, xs, rowPhase, colPhase)) {
                    // Nonzero and exact in float32: the gradient must arrive unchanged.
                    dy[w] = (rng.nextBoolean() ? 1 : -1) * (1 + rng.nextInt(1024) / 1024.0);
                }
                tally = tally.plus(verify(x, xs, spec, rowPhase, colPhase, dy, backward.dx(dy)));
            }
        }
        return tally;
    }

    /**
     * Checks the gradient {@code dx} of one group's {@code dy} (zero outside the group): each window's
     * gradient sits whole, unchanged, on one of its largest cells, and no cell outside the group's
     * windows gets any. Throws an {@link AssertionError} naming the window otherwise.
     */
    static Tally verify(double[] x, Shape xs, Pool2dSpec spec, int rowPhase, int colPhase, double[] dy, double[] dx) {
        boolean[] covered = new boolean[x.length];
        int tied = 0;
        int toFirst = 0;
        for (int w : windows(spec, xs, rowPhase, colPhase)) {
            List<Integer> cells = cells(spec, xs, w);
            double max = Double.NEGATIVE_INFINITY;
            for (int c : cells) {
                max = Math.max(max, x[c]);
                covered[c] = true;
            }
            List<Integer> maxima = new ArrayList<>();
            List<Integer> receivers = new ArrayList<>();
            for (int c : cells) {
                if (x[c] == max) {
                    maxima.add(c);
                }
                if (dx[c] != 0) {
                    receivers.add(c);
                }
            }
            if (receivers.size() != 1 || !maxima.contains(receivers.get(0)) || dx[receivers.get(0)] != dy[w]) {
                throw new AssertionError("window " + w + " of " + spec + " on " + xs + ": its gradient " + dy[w]
                        + " must go whole to one of its maxima (cells " + maxima + "), but cells " + receivers
                        + " got " + receivers.stream().map(c -> dx[c]).toList());
            }
            if (maxima.size() > 1) {
                tied++;
                toFirst += receivers.get(0).equals(maxima.get(0)) ? 1 : 0;
            }
        }
        for (int c = 0; c < x.length; c++) {
            if (!covered[c] && dx[c] != 0) {
                throw new AssertionError("cell " + c + " is in no window of this group but got " + dx[c]);
            }
        }
        return new Tally(tied, toFirst);
    }

    /** Windows whose starts lie this many kernels apart or more share no cell. */
    private static int groups(int kernel, int stride) {
        return (kernel + stride - 1) / stride;
    }

    /** Flat output indices of the windows in group ({@code rowPhase}, {@code colPhase}). */
    private static List<Integer> windows(Pool2dSpec spec, Shape xs, int rowPhase, int colPhase) {
        Shape ys = spec.outputShape("test", xs);
        int gh = groups(spec.kernelH(), spec.strideH());
        int gw = groups(spec.kernelW(), spec.strideW());
        List<Integer> out = new ArrayList<>();
        for (int plane = 0; plane < xs.dim(0) * xs.dim(1); plane++) {
            for (int p = rowPhase; p < ys.dim(2); p += gh) {
                for (int q = colPhase; q < ys.dim(3); q += gw) {
                    out.add((plane * ys.dim(2) + p) * ys.dim(3) + q);
                }
            }
        }
        return out;
    }

    /** Flat input indices of window {@code w}'s cells inside x (padding holds none), row by row. */
    private static List<Integer> cells(Pool2dSpec spec, Shape xs, int w) {
        Shape ys = spec.outputShape("test", xs);
        int q = w % ys.dim(3);
        int p = w / ys.dim(3) % ys.dim(2);
        int plane = w / (ys.dim(2) * ys.dim(3));
        List<Integer> out = new ArrayList<>();
        for (int h = p * spec.strideH() - spec.padH(); h < p * spec.strideH() - spec.padH() + spec.kernelH(); h++) {
            for (int c = q * spec.strideW() - spec.padW(); c < q * spec.strideW() - spec.padW() + spec.kernelW(); c++) {
                if (h >= 0 && h < xs.dim(2) && c >= 0 && c < xs.dim(3)) {
                    out.add((plane * xs.dim(2) + h) * xs.dim(3) + c);
                }
            }
        }
        return out;
    }
}
