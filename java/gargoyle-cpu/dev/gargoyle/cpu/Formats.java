package dev.gargoyle.cpu;

import static org.bytedeco.dnnl.global.dnnl.dnnl_bf16;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;

/**
 * How a tensor's bytes are laid out, as {@link Layouts} records it and plan keys carry it: a oneDNN
 * format tag, with {@link #BF16} set when the elements are bfloat16 (with {@code --precision bf16}
 * activations stay bf16 from one primitive to the next; they then fill the first half of the
 * tensor's FP32-sized memory).
 */
final class Formats {
    /** Above every oneDNN format tag. */
    static final int BF16 = 1 << 24;

    private Formats() {
    }

    static int of(int tag, int dataType) {
        return dataType == dnnl_bf16 ? tag | BF16 : tag;
    }

    static int tag(int format) {
        return format & ~BF16;
    }

    static int dataType(int format) {
        return isBf16(format) ? dnnl_bf16 : dnnl_f32;
    }

    static boolean isBf16(int format) {
        return (format & BF16) != 0;
    }
}
