package dev.gargoyle.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeout;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.BackendException;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Whether CUDA can be used, and why not, on whatever machine runs the tests. On a machine without
 * an NVIDIA driver (the build machine) the answer must be the exact reason, quickly, and nothing
 * may crash; where a driver exists the same calls must agree with each other.
 */
class CudaBackendProviderTest {
    private final CudaBackendProvider provider = new CudaBackendProvider();

    /**
     * Whether libcuda.so.1 exists where the dynamic linker looks, found independently of the code
     * under test: the directories of LD_LIBRARY_PATH and java.library.path, the usual system
     * directories, and the ld.so cache.
     */
    private static boolean driverLibraryPresent() throws IOException, InterruptedException {
        List<String> dirs = new ArrayList<>();
        for (String path : new String[] {System.getenv("LD_LIBRARY_PATH"), System.getProperty("java.library.path")}) {
            if (path != null) {
                dirs.addAll(List.of(path.split(File.pathSeparator)));
            }
        }
        dirs.addAll(List.of("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib",
                "/lib", "/usr/local/cuda/lib64", "/usr/local/cuda/compat", "/usr/lib/wsl/lib"));
        for (String d : dirs) {
            if (!d.isEmpty() && Files.exists(Path.of(d, "libcuda.so.1"))) {
                return true;
            }
        }
        for (String ldconfig : new String[] {"/sbin/ldconfig", "/usr/sbin/ldconfig"}) {
            if (Files.isExecutable(Path.of(ldconfig))) {
                Process p = new ProcessBuilder(ldconfig, "-p").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes());
                p.waitFor(30, TimeUnit.SECONDS);
                return out.contains("libcuda.so.1 ");
            }
        }
        return false;
    }

    @Test
    void theReasonIsExactAndQuickAndStable() throws Exception {
        Optional<String> reason = assertTimeout(Duration.ofSeconds(CudaProbe.TIMEOUT_SECONDS + 30),
                () -> provider.unavailableReason(Device.cuda(0)));
        if (!driverLibraryPresent()) {
            assertTrue(reason.isPresent(), "no libcuda.so.1 on this machine, yet CUDA was reported usable");
            String r = reason.get();
            assertTrue(r.startsWith("libcuda.so.1 not found: no NVIDIA driver (searched LD_LIBRARY_PATH="), r);
            assertTrue(r.contains("java.library.path=" + System.getProperty("java.library.path")), r);
        } else if (reason.isPresent()) {
            assertFalse(reason.get().isBlank(), "a reason must say something");
            assertFalse(reason.get().contains("Exception"), "a reason is not a stack trace: " + reason.get());
        }
        assertEquals(reason, provider.unavailableReason(Device.cuda(0)), "asking again gives the same answer");
        assertEquals(reason, Backends.unavailableReason(Device.cuda(0)),
                "the provider is registered for ServiceLoader (META-INF/services)");
    }

    @Test
    void anUnusableDeviceRefusesABackendWithTheReason() {
        Optional<String> reason = provider.unavailableReason(Device.cuda(0));
        if (reason.isPresent()) {
            BackendException viaBackends = assertThrows(BackendException.class,
                    () -> Backends.create(Device.cuda(0)));
            assertTrue(viaBackends.getMessage().contains(reason.get()), viaBackends.getMessage());
            BackendException direct = assertThrows(BackendException.class,
                    () -> new CudaBackend(Device.cuda(0), CudaOptions.defaults()));
            assertEquals("cuda:0 is not usable: " + reason.get(), direct.getMessage());
        } else {
            try (Backend b = Backends.create(Device.cuda(0))) {
                assertTrue(b.describe().startsWith("cuDNN "), b.describe());
                assertEquals(Device.cuda(0), b.device());
            }
        }
    }

    @Test
    void aDeviceIndexPastTheLastDeviceIsRefused() {
        Optional<String> first = provider.unavailableReason(Device.cuda(0));
        Optional<String> far = provider.unavailableReason(Device.cuda(4096));
        assertTrue(far.isPresent(), "there is no cuda:4096");
        if (first.isEmpty()) {
            assertTrue(far.get().matches("cuda:4096 requested but only \\d+ devices?"), far.get());
        } else {
            assertEquals(first, far, "what stops cuda:0 stops every index");
        }
    }

    @Test
    void aCpuDeviceIsNotACudaDevice() {
        assertEquals(Optional.of("cpu is not a CUDA device"), provider.unavailableReason(Device.cpu()));
        assertEquals(Device.Kind.CUDA, provider.kind());
    }

    @Test
    void describeNeverThrowsAndNamesThePresetsAndTheState() {
        Map<String, String> facts = assertTimeout(Duration.ofSeconds(CudaProbe.TIMEOUT_SECONDS + 30), provider::describe);
        String presets = org.bytedeco.cuda.global.cudart.class.getPackage().getImplementationVersion();
        assertTrue(facts.get("cuda presets").startsWith(presets + " (built for CUDA 13.1, cuDNN 9.19.0"),
                facts.toString());
        Optional<String> reason = provider.unavailableReason(Device.cuda(0));
        if (reason.isPresent()) {
            assertEquals("unavailable: " + reason.get(), facts.get("cuda"));
        } else {
            assertTrue(facts.get("cuda").startsWith("usable, "), facts.toString());
            assertTrue(facts.containsKey("cudnn") && facts.containsKey("cublas") && facts.containsKey("cuda:0"),
                    facts.toString());
        }
    }
}
