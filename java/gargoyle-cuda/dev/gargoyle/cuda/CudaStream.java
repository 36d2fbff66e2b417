package dev.gargoyle.cuda;

import org.bytedeco.cuda.cudart.CUstream_st;

/**
 * A CUDA backend's device and stream, for work that must queue in order with its ops (NCCL's
 * collectives): {@code backend.extension(CudaStream.class)}. Package-private, so that only this
 * package can reach a backend's stream; the backend keeps owning it.
 */
interface CudaStream {
    /** Makes the backend's device current on the calling thread (CUDA's current device is per thread). */
    void activate();

    /** The one stream every op of the backend is queued on. */
    CUstream_st stream();
}
