package dev.gargoyle.cuda;

import dev.gargoyle.parity.BackendParityTests;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.testing.GpuTest;

/** The parity suite on the cuDNN/cuBLAS backend of cuda:0, with its default options (FP32, fastest algorithms). */
@GpuTest
class CudaBackendParityTest extends BackendParityTests {
    @Override
    protected Backend createBackend() {
        return Backends.create(Device.cuda(0));
    }

    /** cuDNN documents none: {@link CudaMaxPoolTiesTest} asserts what matters and records cuDNN's choice. */
    @Override
    protected boolean maxPoolTiesFollowPyTorch() {
        return false;
    }
}
