package dev.gargoyle.bench;

/**
 * The machine's measured ceilings in the same run: an SGEMM's FLOP rate and a large copy's
 * bandwidth, both through the backend, that the layers' rates are compared with. A ceiling is the
 * best the machine did, so the rates come from the fastest run, not the median.
 *
 * @param gemmSize the side {@code n} of the square {@code n x n x n} SGEMM
 * @param copyBytes the bytes of the copied buffer (the copy reads and writes them: twice this moves)
 */
public record Peaks(int gemmSize, Timing gemm, long copyBytes, Timing copy) {

    /** SGEMM GFLOP/s of the fastest run: {@code 2·n³ / time}. */
    public double gflops() {
        return 2.0 * gemmSize * gemmSize * gemmSize / (gemm.minMs() * 1e6);
    }

    /** Copy GB/s of the fastest run: {@code 2·bytes / time} (read and write). */
    public double gbps() {
        return 2.0 * copyBytes / (copy.minMs() * 1e6);
    }
}
