package dev.gargoyle.bench;

/**
 * How the layer benchmark measures.
 *
 * @param warmup    untimed runs of each pass before it is timed
 * @param repeats   timed runs of each pass (median, min and p90 reported)
 * @param gemmSize  the side n of the n x n x n SGEMM that measures the FLOP peak
 * @param copyBytes the size of the buffer copied to measure the bandwidth peak
 */
public record BenchSettings(int warmup, int repeats, int gemmSize, long copyBytes) {

    public BenchSettings {
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be at least 0, got " + warmup);
        }
        if (repeats < 1) {
            throw new IllegalArgumentException("--repeats must be at least 1, got " + repeats);
        }
        if (gemmSize < 1 || copyBytes < Float.BYTES) {
            throw new IllegalArgumentException("peak sizes must be positive, got gemm " + gemmSize + ", copy "
                    + copyBytes + " bytes");
        }
    }

    /** The peak sizes that keep each device busy long enough to time: 2048 and 256 MiB on the CPU, 8192 and 1 GiB on CUDA. */
    public static BenchSettings defaults(boolean cuda, int warmup, int repeats) {
        return new BenchSettings(warmup, repeats, cuda ? 8192 : 2048, cuda ? 1L << 30 : 256L << 20);
    }
}
