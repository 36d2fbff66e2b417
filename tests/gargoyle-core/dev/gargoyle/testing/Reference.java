package dev.gargoyle.testing;

import dev.gargoyle.reference.ReferenceBackend;
import dev.gargoyle.tensor.Backend;

/**
 * The float64 reference backend for tests in modules that see core's SPI only as the backends'
 * (whose compiler cannot load {@code ReferenceBackend}'s own type).
 */
public final class Reference {
    private Reference() {
    }

    public static Backend backend() {
        return ReferenceBackend.create();
    }
}
