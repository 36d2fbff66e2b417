/** The {@code Backend} on the CPU, through oneDNN; found by {@code Backends} for {@code Device.cpu()}. */
module dev.gargoyle.cpu {
    requires transitive dev.gargoyle.core;
    requires org.bytedeco.javacpp;
    requires org.bytedeco.dnnl;

    exports dev.gargoyle.cpu;

    provides dev.gargoyle.tensor.spi.BackendProvider with dev.gargoyle.cpu.CpuBackendProvider;
}
