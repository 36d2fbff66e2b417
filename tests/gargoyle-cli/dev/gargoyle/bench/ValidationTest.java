package dev.gargoyle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.reference.ReferenceBackend;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.spi.BackendOps;
import dev.gargoyle.tensor.spi.NativeTensor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bench's own check of the backend against float64 loops: passes on the CPU backend, catches a wrong op. */
class ValidationTest {
    private static Backend cpu;

    @BeforeAll
    static void open() {
        cpu = Backends.create(Device.cpu());
    }

    @AfterAll
    static void close() {
        cpu.close();
    }

    @Test
    void theCpuBackendPassesEveryCheck() {
        List<Check> checks = Validation.run(cpu);
        assertEquals(8, checks.size());
        for (Check c : checks) {
            assertTrue(c.ok(), c.toString());
            assertTrue(c.error() < 1e-5, c.toString());
        }
    }

    /** The reference backend with its backward-data off by a small amount: validation fails and nothing is timed. */
    @Test
    void aWrongOpFailsValidationBeforeAnythingIsTimed() {
        BackendOps reference = new ReferenceBackend();
        Backend wrong = Backend.of((BackendOps) Proxy.newProxyInstance(BackendOps.class.getClassLoader(),
                new Class<?>[] {BackendOps.class}, (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(reference, args);
                        if (method.getName().equals("conv2dBackwardData")) {
                            reference.scale((NativeTensor) args[3], 1.01f);
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
        List<Check> checks = Validation.run(wrong);
        assertFalse(checks.get(1).ok(), checks.get(1).toString());
        assertTrue(checks.get(0).ok() && checks.get(2).ok());
        int[] steps = {0};
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new LayerBench(wrong, new BenchSettings(0, 1, 8, 64), what -> steps[0]++)
                        .run(ShapeSets.ahe(2, 16), "ahe"));
        assertTrue(e.getMessage().contains("conv backward-data") && e.getMessage().contains("nothing was timed"),
                e.getMessage());
        assertEquals(1, steps[0]);
    }

    @Test
    void checkScalesByTheLargestReferenceValue() {
        assertEquals(0.5, Validation.check("x", new float[] {1f, 3f}, new double[] {1, 2}).error(), 1e-12);
        assertEquals(0.1, Validation.check("x", new float[] {0.1f}, new double[] {0}).error(), 1e-7);
        assertEquals(Double.POSITIVE_INFINITY, Validation.check("x", new float[] {Float.NaN}, new double[] {0}).error());
    }
}
