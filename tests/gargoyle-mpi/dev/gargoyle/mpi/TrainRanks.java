package dev.gargoyle.mpi;

import dev.gargoyle.nn.Model;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.train.Trainer;
import dev.gargoyle.train.TrainingListener;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One rank of an {@code mpirun} test job: trains {@link SmallRun}'s model on the CPU backend over
 * MPI and writes rank 0's parameters and running statistics to {@code args[0]}. Arguments: output
 * file, sync batch-norm (true/false), samples, batch per rank, accumulation steps, run folder (or
 * "-"), resume (true/false), milliseconds rank 0 sleeps after each step (slows the job for the kill test).
 * A failure ends the job through {@code MPI_Abort}, as the CLI does.
 */
public final class TrainRanks {
    private TrainRanks() {
    }

    public static void main(String[] args) throws IOException {
        MpiCommunicator mpi = MpiCommunicator.join(Duration.ofSeconds(60));
        System.out.println("rank " + mpi.rank() + " pid " + ProcessHandle.current().pid());
        System.out.flush();
        try (Backend backend = Backends.create(Device.cpu()); Model model = SmallRun.model(backend, 100 + mpi.rank())) {
            boolean sync = Boolean.parseBoolean(args[1]);
            Trainer.Builder b = SmallRun.builder(model, Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4])).communicator(mpi).syncBatchNorm(sync);
            if (!args[5].equals("-")) {
                b.runDirectory(Path.of(args[5])).resume(Boolean.parseBoolean(args[6])).checkpointEvery(1);
            }
            long sleep = Long.parseLong(args[7]);
            b.listener(new TrainingListener() {
                @Override
                public void onStep(StepEvent e) {
                    System.out.println("update " + e.updates());
                    System.out.flush();
                    SmallRun.sleep(sleep);
                }
            });
            b.build().run();
            if (mpi.rank() == 0) {
                try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(Path.of(args[0])))) {
                    for (float v : SmallRun.state(model)) {
                        out.writeFloat(v);
                    }
                }
            }
        } catch (RuntimeException e) {
            System.err.println("rank " + mpi.rank() + ": " + e);
            e.printStackTrace();
            mpi.abort(1);
        }
        mpi.close();
    }
}
