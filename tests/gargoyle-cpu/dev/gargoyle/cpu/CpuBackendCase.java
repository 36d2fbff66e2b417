package dev.gargoyle.cpu;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;

/** For the CPU tests worked out by hand: a fresh backend per test, closed after it, and tensors from literals. */
abstract class CpuBackendCase {
    final Backend cpu = Backends.create(Device.cpu());

    @AfterEach
    void close() {
        cpu.close();
    }

    Tensor t(Shape s, float... v) {
        return cpu.allocate(s).copyFrom(v);
    }
}
