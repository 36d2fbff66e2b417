package dev.gargoyle.cli;

import dev.gargoyle.cuda.NcclCommunicator;
import dev.gargoyle.mpi.MpiCommunicator;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.Loader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gargoyle info}: versions, the CPU's oneDNN setup, and whether CUDA and the data-parallel
 * engines are usable (or why not).
 */
@Command(name = "info", description = "Show versions, the CPU backend's ISA and threads, and the status of CUDA, MPI and NCCL.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("gargoyle", VersionProvider.version());
        facts.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        facts.put("javacpp", presetVersion("org.bytedeco", "javacpp"));
        facts.put("opencv", opencvVersion());
        for (Device.Kind kind : Device.Kind.values()) {
            try {
                facts.putAll(Backends.describe(kind));
            } catch (RuntimeException | LinkageError e) {
                facts.put(kind.name().toLowerCase(java.util.Locale.ROOT), "unavailable: " + e.getMessage());
            }
        }
        facts.put("mpi", engine(MpiCommunicator.unavailableReason(),
                "usable: mpirun -np N gargoyle train ... trains data-parallel on CPU hosts"));
        facts.put("nccl", engine(NcclCommunicator.unavailableReason(),
                "usable: under mpirun, --device cuda trains data-parallel with one GPU per rank"));
        PrintWriter out = spec.commandLine().getOut();
        int width = facts.keySet().stream().mapToInt(String::length).max().orElse(8);
        facts.forEach((k, v) -> out.printf("%-" + width + "s  %s%n", k, v));
        out.flush();
        return 0;
    }

    /** A data-parallel engine's line: what it is for when usable, else why not. */
    private static String engine(String unavailableReason, String usable) {
        return unavailableReason == null ? usable : "unavailable: " + unavailableReason;
    }

    static String presetVersion(String group, String artifact) {
        try {
            String v = Loader.getVersion(group, artifact);
            return v == null ? "unknown" : v;
        } catch (java.io.IOException e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private static String opencvVersion() {
        try {
            String preset = presetVersion("org.bytedeco", "opencv");
            Loader.load(org.bytedeco.opencv.global.opencv_core.class);
            return org.bytedeco.opencv.global.opencv_core.CV_VERSION() + " (preset " + preset + ")";
        } catch (RuntimeException | LinkageError e) {
            return "not loadable: " + e.getMessage();
        }
    }
}
