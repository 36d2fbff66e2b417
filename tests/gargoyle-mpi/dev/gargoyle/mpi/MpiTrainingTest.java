package dev.gargoyle.mpi;

import static dev.gargoyle.testing.Floats.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.dist.Communicator;
import dev.gargoyle.nn.Model;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.testing.ThreadCommunicator;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Real MPI jobs of two ranks ({@code mpirun -np 2}, each rank a JVM training on the CPU backend)
 * against one process: with synchronised batch-norm, 2 ranks of micro-batch b must train as one
 * process with batch 2b; without it, as the same two ranks exchanging through threads (whose
 * equality with "each half normalised on its own" the core's DataParallelTest proves). A rank
 * killed mid-epoch must end the job naming it, and the run folder must resume.
 */
class MpiTrainingTest {
    private static String mpirun;

    @BeforeAll
    static void needsMpi() {
        // Where the binding was built the machine has Open MPI, and these tests must run (CI installs it).
        Assumptions.assumeTrue(MpiCommunicator.unavailableReason() == null, MpiCommunicator.unavailableReason());
        mpirun = List.of("/usr/bin/mpirun", "/usr/local/bin/mpirun").stream().filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst().orElseThrow(() -> new AssertionError("the MPI binding was built but mpirun is missing"));
    }

    private record Job(int exit, String output) {
    }

    /** Runs {@code TrainRanks} on {@code ranks} ranks; {@code onLine} sees each output line as it comes. */
    private static Job job(int ranks, List<String> args, java.util.function.Consumer<String> onLine)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(mpirun, "-np", Integer.toString(ranks), "--oversubscribe"));
        if ("root".equals(System.getProperty("user.name"))) {
            command.add("--allow-run-as-root");
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), TrainRanks.class.getName()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                out.append(line).append('\n');
                onLine.accept(line);
            }
        }
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "mpirun did not end:\n" + out);
        return new Job(p.exitValue(), out.toString());
    }

    private static float[] read(Path file) throws IOException {
        List<Float> v = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            while (in.available() > 0) {
                v.add(in.readFloat());
            }
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    private static List<String> args(Path out, boolean sync, int samples, int batch, int k) {
        return List.of(out.toString(), Boolean.toString(sync), Integer.toString(samples), Integer.toString(batch),
                Integer.toString(k), "-", "false", "0");
    }

    @ParameterizedTest(name = "{0} samples, 2 ranks x {1}, accumulation {2}")
    @CsvSource({"32, 4, 1", "27, 4, 2"})
    void twoRanksWithSyncBatchNormTrainAsOneProcessWithBatchTwiceAsLarge(int samples, int batch, int k,
                                                                         @TempDir Path dir) throws Exception {
        Path out = dir.resolve("rank0.bin");
        Job job = job(2, args(out, true, samples, batch, k), line -> { });
        assertEquals(0, job.exit(), job.output());
        float[] expected;
        try (Backend backend = Backends.create(Device.cpu()); Model model = SmallRun.model(backend, 100)) {
            SmallRun.builder(model, samples, 2 * batch, k).build().run();
            expected = SmallRun.state(model);
        }
        assertClose("2 ranks x " + batch + " (MPI) vs 1 process x " + 2 * batch, expected, read(out), 1e-4);
    }

    @Test
    void withoutSyncTwoMpiRanksTrainAsTwoRanksOfThreads(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("rank0.bin");
        Job job = job(2, args(out, false, 27, 4, 2), line -> { });
        assertEquals(0, job.exit(), job.output());
        List<Communicator> group = ThreadCommunicator.group(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<float[]>> ranks = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            Communicator c = group.get(r);
            ranks.add(pool.submit(() -> {
                try (Backend backend = Backends.create(Device.cpu());
                     Model model = SmallRun.model(backend, 100 + c.rank())) {
                    SmallRun.builder(model, 27, 4, 2).communicator(c).build().run();
                    return SmallRun.state(model);
                }
            }));
        }
        float[] threads = ranks.get(0).get();
        ranks.get(1).get();
        pool.shutdown();
        assertClose("MPI ranks vs thread ranks", threads, read(out), 1e-4);
    }

    @Test
    void aKilledRankEndsTheJobNamingItAndTheRunResumes(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Path out = dir.resolve("rank0.bin");
        long[] victim = {-1};
        boolean[] killed = {false};
        List<String> slow = List.of(out.toString(), "true", "64", "4", "1", run.toString(), "false", "150");
        long started = System.nanoTime();
        Job job = job(2, slow, line -> {
            if (line.startsWith("rank 1 pid ")) {
                victim[0] = Long.parseLong(line.substring("rank 1 pid ".length()).trim());
            }
            if (line.equals("update 3") && !killed[0]) {
                killed[0] = ProcessHandle.of(victim[0]).map(ProcessHandle::destroyForcibly).orElse(false);
            }
        });
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(killed[0], "rank 1 was not killed:\n" + job.output());
        assertNotEquals(0, job.exit(), job.output());
        assertTrue(job.output().contains("rank 1"), "the job's end must name rank 1:\n" + job.output());
        assertTrue(seconds < 60, "the job took " + seconds + " s to end after the kill");
        assertTrue(Files.exists(run.resolve("last.safetensors")), "a checkpoint must be left to resume from");
        Job resumed = job(2, List.of(out.toString(), "true", "64", "4", "1", run.toString(), "true", "0"), l -> { });
        assertEquals(0, resumed.exit(), resumed.output());
        assertTrue(resumed.output().contains("epoch 2/2"), resumed.output());
    }
}
