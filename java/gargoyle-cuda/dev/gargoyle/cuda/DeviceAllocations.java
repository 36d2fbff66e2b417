package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudart.cudaErrorMemoryAllocation;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaGetLastError;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;

import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.Pointer;

/**
 * cudaMalloc and cudaFree with errors that name the size and the purpose, and a count of the bytes
 * they hold: every device block of every backend in this process goes through here.
 */
final class DeviceAllocations {
    private static final AtomicLong LIVE = new AtomicLong();

    private DeviceAllocations() {
    }

    /** Device bytes allocated here and not yet freed, on every device and backend of this process. */
    static long liveBytes() {
        return LIVE.get();
    }

    /** A new device block, or null when the device is out of memory. */
    static Pointer tryMalloc(long bytes, String purpose) {
        Pointer block = new Pointer();
        int status = cudaMalloc(block, bytes);
        if (status == cudaErrorMemoryAllocation) {
            cudaGetLastError(); // not sticky, but clear it so later calls do not report it
            return null;
        }
        CudaStatus.cuda(status, "cudaMalloc", bytes + " bytes for " + purpose);
        LIVE.addAndGet(bytes);
        return block;
    }

    static Pointer malloc(long bytes, String purpose) {
        Pointer block = tryMalloc(bytes, purpose);
        if (block == null) {
            throw new CudaException("cudaMalloc failed: out of device memory allocating " + bytes + " bytes for "
                    + purpose);
        }
        return block;
    }

    /** Frees {@code block}, which {@link #tryMalloc} made {@code bytes} long. */
    static void free(Pointer block, long bytes, String purpose) {
        CudaStatus.cuda(cudaFree(block), "cudaFree", purpose);
        LIVE.addAndGet(-bytes);
    }
}
