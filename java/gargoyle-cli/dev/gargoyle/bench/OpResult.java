package dev.gargoyle.bench;

/**
 * One measured pass of one layer with one algorithm: on the CPU the one oneDNN picks, on CUDA each
 * convolution algorithm cuDNN offers (the one the backend runs marked {@code chosen}).
 *
 * @param status         {@code ok} when timed; otherwise why not (cuDNN's status, or the failure)
 * @param timing         null unless {@code ok}
 * @param flops          floating-point operations of one run (0 for memory-bound passes)
 * @param bytes          bytes one run must read and write at least
 * @param workspaceBytes the algorithm's device workspace, null where the backend does not say
 * @param deterministic  whether the algorithm gives the same bits every run, null where unknown
 * @param mathType       cuDNN's math type, null on the CPU
 * @param searchMs       the time cuDNN's own Find search measured, null on the CPU
 */
public record OpResult(String layer, String kind, String geometry, Pass pass, String algorithm, boolean chosen,
                       String status, Timing timing, double flops, double bytes, Long workspaceBytes,
                       Boolean deterministic, String mathType, Double searchMs) {

    public static final String OK = "ok";

    public boolean ok() {
        return timing != null;
    }

    /** True for convolutions, whose speed is judged in FLOP/s; the rest in bytes per second. */
    public boolean computeBound() {
        return flops > 0;
    }

    /** GFLOP/s at the median time; NaN when not timed or memory-bound. */
    public double gflops() {
        return ok() && flops > 0 ? flops / (timing.medianMs() * 1e6) : Double.NaN;
    }

    /** GB/s (10^9 bytes) at the median time; NaN when not timed. */
    public double gbps() {
        return ok() ? bytes / (timing.medianMs() * 1e6) : Double.NaN;
    }

    /** GFLOP/s over the SGEMM peak for convolutions, GB/s over the copy peak for the rest; NaN when unknown. */
    public double peakFraction(Peaks peaks) {
        if (peaks == null) {
            return Double.NaN;
        }
        return computeBound() ? gflops() / peaks.gflops() : gbps() / peaks.gbps();
    }
}
