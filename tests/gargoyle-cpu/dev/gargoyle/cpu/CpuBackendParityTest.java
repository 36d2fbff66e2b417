package dev.gargoyle.cpu;

import dev.gargoyle.parity.BackendParityTests;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;

/**
 * The parity suite on the oneDNN CPU backend, with every valid case of the convolution grid
 * (about 5 s on 2 idle cores, 40 s or more when other work shares them).
 */
class CpuBackendParityTest extends BackendParityTests {
    @Override
    protected Backend createBackend() {
        return Backends.create(Device.cpu());
    }

    @Override
    protected ConvGridDesign convGridDesign() {
        return ConvGridDesign.FULL;
    }
}
