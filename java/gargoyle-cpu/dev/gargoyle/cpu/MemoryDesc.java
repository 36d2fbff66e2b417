package dev.gargoyle.cpu;

import static dev.gargoyle.cpu.Dnnl.check;
import static org.bytedeco.dnnl.global.dnnl.*;

import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.javacpp.IntPointer;

/** An owned oneDNN memory descriptor (f32 unless said otherwise) made from dimensions and a format tag. */
final class MemoryDesc implements Resource {
    final dnnl_memory_desc md = new dnnl_memory_desc();

    MemoryDesc(int formatTag, long... dims) {
        this(dnnl_f32, formatTag, dims);
    }

    MemoryDesc(int dataType, int formatTag, long... dims) {
        check("dnnl_memory_desc_create_with_tag",
                dnnl_memory_desc_create_with_tag(md, dims.length, dims, dataType, formatTag));
    }

    /** Row-major: nchw for 4 dimensions, oihw-like for weights, {@code a} for vectors. */
    static MemoryDesc plain(long... dims) {
        return new MemoryDesc(plainTag(dims.length), dims);
    }

    /** Lets the primitive choose the layout it runs fastest in. */
    static MemoryDesc any(long... dims) {
        return new MemoryDesc(dnnl_format_tag_any, dims);
    }

    static int plainTag(int rank) {
        return switch (rank) {
            case 1 -> dnnl_a;
            case 2 -> dnnl_ab;
            case 3 -> dnnl_abc;
            case 4 -> dnnl_abcd;
            case 5 -> dnnl_abcde;
            default -> throw new IllegalArgumentException("no plain format for rank " + rank);
        };
    }

    /**
     * The channel-blocked 4-D layout (nChw16c with AVX-512, else nChw8c) when {@code channels} fills
     * whole blocks, else plain nchw. oneDNN runs batch-norm and pooling several times faster on
     * blocked data than on nchw (its nchw batch-norm is not JIT-compiled), enough to pay for the
     * reorders in and out.
     */
    static int channelBlocked(int channels) {
        boolean avx512 = (dnnl_get_effective_cpu_isa() & dnnl_cpu_isa_avx512_core) == dnnl_cpu_isa_avx512_core;
        int block = avx512 ? 16 : 8;
        if (channels % block != 0) {
            return dnnl_abcd;
        }
        return avx512 ? dnnl_aBcd16b : dnnl_aBcd8b;
    }

    static boolean same(dnnl_memory_desc a, dnnl_memory_desc b) {
        return dnnl_memory_desc_equal(a, b) == 1;
    }

    static int dataType(dnnl_memory_desc md) {
        try (IntPointer type = new IntPointer(1)) {
            check("dnnl_memory_desc_query", dnnl_memory_desc_query(md, dnnl_query_data_type, type));
            return type.get();
        }
    }

    static long bytes(dnnl_memory_desc md) {
        return dnnl_memory_desc_get_size(md);
    }

    @Override
    public void close() {
        if (!md.isNull()) {
            dnnl_memory_desc_destroy(md);
            md.setNull();
        }
    }
}
