package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudart.cudaErrorMemoryAllocation;
import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaGetLastError;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;

import org.bytedeco.javacpp.Pointer;

/** cudaMalloc and cudaFree with errors that name the size and the purpose. */
final class DeviceAllocations {
    private DeviceAllocations() {
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

    static void free(Pointer block, String purpose) {
        CudaStatus.cuda(cudaFree(block), "cudaFree", purpose);
    }
}
