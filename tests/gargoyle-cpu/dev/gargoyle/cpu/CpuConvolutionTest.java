package dev.gargoyle.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Convolution on cases small enough to work out by hand. */
class CpuConvolutionTest extends CpuBackendCase {
    // x = 1..9 in a 3x3 image
    private Tensor nine() {
        return t(Shape.of(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void forwardSumsWindowsAndAddsBias() {
        try (Tensor x = nine(); Tensor w = t(Shape.of(1, 1, 2, 2), 1, 1, 1, 1); Tensor b = t(Shape.of(1), 0.5f);
             Tensor y = cpu.allocate(Shape.of(1, 1, 2, 2))) {
            cpu.conv2dForward(x, w, b, Conv2dSpec.of(1, 0), y);
            assertArrayEquals(new float[] {12.5f, 16.5f, 24.5f, 28.5f}, y.toArray(), 1e-5f);
        }
    }

    @Test
    void forwardIsCrossCorrelationWithPaddingAndStride() {
        // w picks the top-left tap only: y[p,q] = xpad[2p, 2q] with one row/column of zeros around x
        try (Tensor x = nine(); Tensor w = t(Shape.of(1, 1, 2, 2), 1, 0, 0, 0);
             Tensor y = cpu.allocate(Shape.of(1, 1, 2, 2))) {
            cpu.conv2dForward(x, w, null, Conv2dSpec.of(2, 1), y);
            assertArrayEquals(new float[] {0, 0, 0, 5}, y.toArray(), 1e-5f);
        }
    }

    @Test
    void forwardWithDilationSkipsTaps() {
        // a 2x2 kernel dilated by 2 covers the corners of the 3x3 image: 1 + 3 + 7 + 9
        try (Tensor x = nine(); Tensor w = t(Shape.of(1, 1, 2, 2), 1, 1, 1, 1);
             Tensor y = cpu.allocate(Shape.of(1, 1, 1, 1))) {
            cpu.conv2dForward(x, w, null, Conv2dSpec.of(1, 0).withDilation(2), y);
            assertArrayEquals(new float[] {20}, y.toArray(), 1e-5f);
        }
    }

    @Test
    void forwardWithGroupsKeepsChannelsApart() {
        // two channels, two groups, 1x1 kernels: y0 = 2·x0, y1 = 3·x1
        try (Tensor x = t(Shape.of(1, 2, 1, 2), 1, 2, 10, 20); Tensor w = t(Shape.of(2, 1, 1, 1), 2, 3);
             Tensor y = cpu.allocate(Shape.of(1, 2, 1, 2))) {
            cpu.conv2dForward(x, w, null, Conv2dSpec.of(1, 0).withGroups(2), y);
            assertArrayEquals(new float[] {2, 4, 30, 60}, y.toArray(), 1e-5f);
        }
    }

    @Test
    void floorModeIgnoresTheLastRows() {
        // 4x4 input, 1x1 kernel, stride 3: rows/cols 0 and 3 are read
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) {
            v[i] = i;
        }
        try (Tensor x = t(Shape.of(1, 1, 4, 4), v); Tensor w = t(Shape.of(1, 1, 1, 1), 1);
             Tensor y = cpu.allocate(Shape.of(1, 1, 2, 2)); Tensor dx = cpu.allocate(Shape.of(1, 1, 4, 4))) {
            cpu.conv2dForward(x, w, null, Conv2dSpec.of(3, 0), y);
            assertArrayEquals(new float[] {0, 3, 12, 15}, y.toArray(), 1e-5f);
            cpu.fill(dx, 7);
            try (Tensor dy = t(Shape.of(1, 1, 2, 2), 1, 2, 3, 4)) {
                cpu.conv2dBackwardData(dy, w, Conv2dSpec.of(3, 0), dx);
            }
            float[] expected = new float[16];
            expected[0] = 1;
            expected[3] = 2;
            expected[12] = 3;
            expected[15] = 4;
            assertArrayEquals(expected, dx.toArray(), 1e-5f, "dx is overwritten, zero where unused");
        }
    }

    @Test
    void backwardDataSpreadsGradientOverWindows() {
        // all-ones 2x2 kernel, dy = 1: dx counts the windows covering each pixel
        try (Tensor dy = t(Shape.of(1, 1, 2, 2), 1, 1, 1, 1); Tensor w = t(Shape.of(1, 1, 2, 2), 1, 1, 1, 1);
             Tensor dx = cpu.allocate(Shape.of(1, 1, 3, 3))) {
            cpu.fill(dx, 100);
            cpu.conv2dBackwardData(dy, w, Conv2dSpec.of(1, 0), dx);
            assertArrayEquals(new float[] {1, 2, 1, 2, 4, 2, 1, 2, 1}, dx.toArray(), 1e-5f);
        }
    }

    @Test
    void backwardWeightsAccumulates() {
        // dy = 1 everywhere: dw[r,s] = sum of the window shifted by (r,s) = 12, 16, 24, 28; dbias = 4
        try (Tensor x = nine(); Tensor dy = t(Shape.of(1, 1, 2, 2), 1, 1, 1, 1);
             Tensor dw = t(Shape.of(1, 1, 2, 2), 1, 1, 1, 1); Tensor db = t(Shape.of(1), 1)) {
            cpu.conv2dBackwardWeights(x, dy, Conv2dSpec.of(1, 0), dw, db);
            cpu.conv2dBackwardWeights(x, dy, Conv2dSpec.of(1, 0), dw, db);
            assertArrayEquals(new float[] {25, 33, 49, 57}, dw.toArray(), 1e-4f);
            assertArrayEquals(new float[] {9}, db.toArray(), 1e-5f);
        }
    }

    @Test
    void blockedLayoutsRoundTripOnWiderChannels() {
        // 16 -> 32 channels of a 1x1 convolution whose weight is 1 on the "diagonal" k % 16 == c:
        // y[k] = x[k % 16]; oneDNN picks blocked layouts here, so this checks the reorders both ways.
        int c = 16;
        int k = 32;
        float[] xv = new float[2 * c * 5 * 5];
        for (int i = 0; i < xv.length; i++) {
            xv[i] = i % 97 - 40;
        }
        float[] wv = new float[k * c];
        for (int o = 0; o < k; o++) {
            wv[o * c + o % c] = 1;
        }
        try (Tensor x = t(Shape.of(2, c, 5, 5), xv); Tensor w = t(Shape.of(k, c, 1, 1), wv);
             Tensor y = cpu.allocate(Shape.of(2, k, 5, 5))) {
            cpu.conv2dForward(x, w, null, Conv2dSpec.of(1, 0), y);
            float[] expected = new float[2 * k * 25];
            for (int n = 0; n < 2; n++) {
                for (int o = 0; o < k; o++) {
                    System.arraycopy(xv, (n * c + o % c) * 25, expected, (n * k + o) * 25, 25);
                }
            }
            assertArrayEquals(expected, y.toArray(), 1e-5f);
        }
    }
}
