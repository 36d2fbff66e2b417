package dev.gargoyle.cpu;

import dev.gargoyle.parity.BackendParityTests;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;

/** The parity suite on the oneDNN CPU backend. */
class CpuBackendParityTest extends BackendParityTests {
    @Override
    protected Backend createBackend() {
        return Backends.create(Device.cpu());
    }
}
