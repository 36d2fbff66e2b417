package dev.gargoyle.reference;

import dev.gargoyle.parity.BackendParityTests;
import dev.gargoyle.tensor.Backend;

/**
 * The parity suite on {@link ReferenceBackend}: a test of the harness (every check must pass on the
 * reference itself).
 */
class ReferenceBackendParityTest extends BackendParityTests {
    @Override
    protected Backend createBackend() {
        return ReferenceBackend.create();
    }
}
