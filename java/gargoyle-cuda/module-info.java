/**
 * The {@code Backend} on an NVIDIA GPU: cuDNN, cuBLAS and Gargoyle's own kernels (in the
 * platform-classified jar); found by {@code Backends} for {@code Device.cuda(n)}.
 */
module dev.gargoyle.cuda {
    requires transitive dev.gargoyle.core;
    requires org.bytedeco.javacpp;
    requires org.bytedeco.cuda;
    requires org.slf4j;

    exports dev.gargoyle.cuda;

    provides dev.gargoyle.tensor.spi.BackendProvider with dev.gargoyle.cuda.CudaBackendProvider;
}
