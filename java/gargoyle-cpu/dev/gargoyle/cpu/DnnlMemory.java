package dev.gargoyle.cpu;

import static dev.gargoyle.cpu.Dnnl.check;
import static org.bytedeco.dnnl.global.dnnl.*;

import dev.gargoyle.tensor.spi.NativeTensor;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;

/**
 * A oneDNN memory object without a buffer of its own: it is pointed at a tensor (or an arena
 * offset) before each run, so tensors reach oneDNN without copying.
 */
final class DnnlMemory implements Resource {
    final dnnl_memory handle = new dnnl_memory();
    final long bytes;
    private final NativeAddress address;
    private long bound = -1;

    DnnlMemory(DnnlContext ctx, dnnl_memory_desc md) {
        this.address = ctx.address;
        this.bytes = MemoryDesc.bytes(md);
        check("dnnl_memory_create", dnnl_memory_create(handle, md, ctx.engine, null));
    }

    void bind(NativeTensor t) {
        bind(t.data().address());
    }

    void bind(long newAddress) {
        if (newAddress != bound) {
            check("dnnl_memory_set_data_handle", dnnl_memory_set_data_handle(handle, address.at(newAddress)));
            bound = newAddress;
        }
    }

    @Override
    public void close() {
        if (!handle.isNull()) {
            dnnl_memory_destroy(handle);
            handle.setNull();
        }
    }
}
