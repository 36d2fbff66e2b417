package dev.gargoyle.cuda;

/** Something that owns native CUDA, cuDNN or cuBLAS resources and frees them in {@link #close()}. */
interface NativeResource extends AutoCloseable {
    @Override
    void close();
}
