package dev.gargoyle.bench;

import java.util.Arrays;

/** Images per second over timed windows: the median (reported), the slowest and the fastest window. */
public record Throughput(double median, double min, double max, int imagesPerWindow, double[] perWindow) {

    public Throughput {
        perWindow = perWindow.clone();
    }

    /** From each window's seconds, every window holding {@code imagesPerWindow} images. */
    public static Throughput of(int imagesPerWindow, double[] seconds) {
        double[] rates = new double[seconds.length];
        for (int i = 0; i < rates.length; i++) {
            rates[i] = imagesPerWindow / seconds[i];
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        return new Throughput(Timing.percentile(sorted, 0.5), sorted[0], sorted[sorted.length - 1], imagesPerWindow,
                rates);
    }

    @Override
    public double[] perWindow() {
        return perWindow.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Throughput t && t.median == median && t.min == min && t.max == max
                && t.imagesPerWindow == imagesPerWindow && Arrays.equals(t.perWindow, perWindow);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(median) * 31 + Arrays.hashCode(perWindow);
    }

    @Override
    public String toString() {
        return "Throughput[median=" + median + ", windows=" + Arrays.toString(perWindow) + "]";
    }
}
