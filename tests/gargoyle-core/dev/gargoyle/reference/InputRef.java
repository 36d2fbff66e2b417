package dev.gargoyle.reference;

/** Float64 reference of {@code imagesToTensor}: uint8 RGB HWC images to normalised NCHW. */
public final class InputRef {
    private InputRef() {
    }

    /** {@code out[n,c,y,x] = (pixels[n,y,x,c]/255 - mean[c]) / std[c]}, pixels unsigned. */
    public static double[] imagesToTensor(byte[] pixels, int n, int height, int width, float[] mean, float[] std) {
        double[] out = new double[n * 3 * height * width];
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int c = 0; c < 3; c++) {
                        int pixel = pixels[((i * height + y) * width + x) * 3 + c] & 0xff;
                        out[((i * 3 + c) * height + y) * width + x] = (pixel / 255.0 - mean[c]) / std[c];
                    }
                }
            }
        }
        return out;
    }
}
