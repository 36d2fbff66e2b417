package dev.gargoyle.cpu;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Backends;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Device;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Hand-run measurement (not a unit test): one AHE training step (five conv-BN-ReLU(-pool) blocks,
 * linears 8192-1024-512-10, softmax cross-entropy, Adam over the flat parameters, zeroing the
 * gradients) at batch 64 on 64x64 images, straight on the Backend, with the time per kind of op.
 * The median step gives the images per second the CPU backend allows before any framework cost.
 *
 * <p>Run: {@code java -cp target/test-classes:target/classes:<deps> dev.gargoyle.cpu.AheStepTiming [batch] [steps]}.
 */
final class AheStepTiming {
    private static final int[] CHANNELS = {3, 32, 64, 128, 256, 512};
    private static final int[] LINEAR = {8192, 1024, 512, 10};

    private final Backend cpu;
    private final int batch;
    private final List<Tensor> owned = new ArrayList<>();
    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private final Random random = new Random(7);
    private long paramCount;

    private AheStepTiming(Backend cpu, int batch) {
        this.cpu = cpu;
        this.batch = batch;
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        try (Backend cpu = Backends.create(Device.cpu())) {
            new AheStepTiming(cpu, batch).run(steps);
        }
    }

    private Tensor t(Shape s) {
        Tensor x = cpu.allocate(s);
        owned.add(x);
        return x;
    }

    private Tensor param(Shape s, Tensor flat) {
        Tensor x = flat.slice(paramCount, s);
        paramCount += s.numel();
        return x;
    }

    private void time(String what, Runnable op) {
        long t0 = System.nanoTime();
        op.run();
        nanos.merge(what, System.nanoTime() - t0, Long::sum);
    }

    private void run(int steps) {
        Conv2dSpec conv = Conv2dSpec.of(1, 1);
        Pool2dSpec pool = Pool2dSpec.max(2, 2, 0);
        long total = 0;
        for (int l = 0; l < 5; l++) {
            total += CHANNELS[l + 1] * (CHANNELS[l] * 9L + 1 + 2);
        }
        for (int l = 0; l < 3; l++) {
            total += (long) LINEAR[l + 1] * (LINEAR[l] + 1);
        }
        Tensor params = t(Shape.of(Math.toIntExact(total)));
        Tensor grads = t(params.shape());
        Tensor m = t(params.shape());
        Tensor v = t(params.shape());
        float[] init = new float[Math.toIntExact(total)];
        for (int i = 0; i < init.length; i++) {
            init[i] = (float) random.nextGaussian() * 0.02f;
        }
        cpu.copyFromHost(init, 0, params);

        int size = 64;
        Tensor[] x = new Tensor[6];
        Tensor[] convOut = new Tensor[5];
        Tensor[] bnOut = new Tensor[5];
        Tensor[] reluOut = new Tensor[5];
        Tensor[] ws = new Tensor[5];
        Tensor[] w = new Tensor[5];
        Tensor[] b = new Tensor[5];
        Tensor[] gamma = new Tensor[5];
        Tensor[] beta = new Tensor[5];
        Tensor[] dw = new Tensor[5];
        Tensor[] db = new Tensor[5];
        Tensor[] dgamma = new Tensor[5];
        Tensor[] dbeta = new Tensor[5];
        Tensor[] rm = new Tensor[5];
        Tensor[] rv = new Tensor[5];
        Tensor[] mean = new Tensor[5];
        Tensor[] inv = new Tensor[5];
        x[0] = t(Shape.of(batch, 3, size, size));
        for (int l = 0; l < 5; l++) {
            int c = CHANNELS[l];
            int k = CHANNELS[l + 1];
            Shape ys = Shape.of(batch, k, size, size);
            long at = paramCount;
            w[l] = param(Shape.of(k, c, 3, 3), params);
            b[l] = param(Shape.of(k), params);
            gamma[l] = param(Shape.of(k), params);
            beta[l] = param(Shape.of(k), params);
            dw[l] = grads.slice(at, w[l].shape());
            db[l] = grads.slice(at + w[l].numel(), b[l].shape());
            dgamma[l] = grads.slice(at + w[l].numel() + k, Shape.of(k));
            dbeta[l] = grads.slice(at + w[l].numel() + 2L * k, Shape.of(k));
            cpu.fill(gamma[l], 1);
            convOut[l] = t(ys);
            bnOut[l] = t(ys);
            reluOut[l] = t(ys);
            rm[l] = t(Shape.of(k));
            rv[l] = t(Shape.of(k));
            mean[l] = t(Shape.of(k));
            inv[l] = t(Shape.of(k));
            if (l < 4) {
                ws[l] = t(cpu.pool2dWorkspaceShape(pool, ys));
                size /= 2;
                x[l + 1] = t(Shape.of(batch, k, size, size));
            } else {
                x[l + 1] = reluOut[l];
            }
        }
        Tensor[] lw = new Tensor[3];
        Tensor[] lb = new Tensor[3];
        Tensor[] ldw = new Tensor[3];
        Tensor[] ldb = new Tensor[3];
        Tensor[] h = new Tensor[4];
        Tensor[] hr = new Tensor[3];
        h[0] = x[5].view(Shape.of(batch, LINEAR[0]));
        for (int l = 0; l < 3; l++) {
            long at = paramCount;
            lw[l] = param(Shape.of(LINEAR[l + 1], LINEAR[l]), params);
            lb[l] = param(Shape.of(LINEAR[l + 1]), params);
            ldw[l] = grads.slice(at, lw[l].shape());
            ldb[l] = grads.slice(at + lw[l].numel(), lb[l].shape());
            h[l + 1] = t(Shape.of(batch, LINEAR[l + 1]));
            hr[l] = l < 2 ? t(h[l + 1].shape()) : null;
        }
        Tensor[] dxs = new Tensor[6];
        for (int l = 1; l < 6; l++) {
            dxs[l] = t(x[l].shape());
        }
        Tensor[] dconv = new Tensor[5];
        Tensor[] dbn = new Tensor[5];
        Tensor[] drelu = new Tensor[5];
        for (int l = 0; l < 5; l++) {
            dconv[l] = t(convOut[l].shape());
            dbn[l] = t(convOut[l].shape());
            drelu[l] = l < 4 ? t(convOut[l].shape()) : dxs[5];
        }
        Tensor[] dh = new Tensor[4];
        Tensor[] dhr = new Tensor[3];
        for (int l = 1; l < 4; l++) {
            dh[l] = t(h[l].shape());
        }
        dh[0] = dxs[5].view(h[0].shape());
        for (int l = 0; l < 2; l++) {
            dhr[l] = t(h[l + 1].shape());
        }
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = i % 10;
        }
        float[] images = new float[Math.toIntExact(x[0].numel())];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) random.nextGaussian();
        }
        cpu.copyFromHost(images, 0, x[0]);

        long tensorsOnly = cpu.memoryInUse();
        double[] stepMs = new double[steps];
        for (int s = 0; s < steps + 2; s++) {
            if (s == 2) {
                nanos.clear();
            }
            long t0 = System.nanoTime();
            final long step = s + 1;
            for (int l = 0; l < 5; l++) {
                int i = l;
                time("conv forward", () -> cpu.conv2dForward(x[i], w[i], b[i], conv, convOut[i]));
                time("bn forward", () -> cpu.batchNormForwardTraining(convOut[i], gamma[i], beta[i], rm[i], rv[i],
                        0.1f, 1e-5f, bnOut[i], mean[i], inv[i]));
                time("relu forward", () -> cpu.reluForward(bnOut[i], reluOut[i]));
                if (i < 4) {
                    time("pool forward", () -> cpu.pool2dForward(reluOut[i], pool, x[i + 1], ws[i]));
                }
            }
            for (int l = 0; l < 3; l++) {
                int i = l;
                Tensor in = i == 0 ? h[0] : hr[i - 1];
                time("linear forward", () -> cpu.linearForward(in, lw[i], lb[i], h[i + 1]));
                if (i < 2) {
                    time("relu forward", () -> cpu.reluForward(h[i + 1], hr[i]));
                }
            }
            time("loss", () -> cpu.softmaxCrossEntropy(h[3], labels, 1f, dh[3]));
            for (int l = 2; l >= 0; l--) {
                int i = l;
                Tensor in = i == 0 ? h[0] : hr[i - 1];
                Tensor dIn = i == 0 ? dh[0] : dhr[i - 1];
                time("linear backward", () -> cpu.linearBackwardWeights(in, dh[i + 1], ldw[i], ldb[i]));
                time("linear backward", () -> cpu.linearBackwardData(dh[i + 1], lw[i], dIn));
                if (i > 0) {
                    time("relu backward", () -> cpu.reluBackward(hr[i - 1], dhr[i - 1], dh[i]));
                }
            }
            for (int l = 4; l >= 0; l--) {
                int i = l;
                if (i < 4) {
                    time("pool backward", () -> cpu.pool2dBackward(reluOut[i], x[i + 1], dxs[i + 1], pool, ws[i],
                            drelu[i]));
                }
                time("relu backward", () -> cpu.reluBackward(reluOut[i], drelu[i], dbn[i]));
                time("bn backward", () -> cpu.batchNormBackward(convOut[i], dbn[i], gamma[i], mean[i], inv[i], 1e-5f,
                        dconv[i], dgamma[i], dbeta[i]));
                time("conv backward weights", () -> cpu.conv2dBackwardWeights(x[i], dconv[i], conv, dw[i], db[i]));
                if (i > 0) {
                    time("conv backward data", () -> cpu.conv2dBackwardData(dconv[i], w[i], conv, dxs[i]));
                }
            }
            time("adam step", () -> cpu.adamStep(params, grads, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, step));
            time("zero grads", () -> cpu.fill(grads, 0));
            if (s >= 2) {
                stepMs[s - 2] = (System.nanoTime() - t0) / 1e6;
            }
        }
        double[] sorted = stepMs.clone();
        Arrays.sort(sorted);
        double median = sorted[steps / 2];
        System.out.printf("%s, batch %d, %d parameters%n", cpu.describe(), batch, paramCount);
        System.out.printf("step ms: median %.1f (min %.1f, max %.1f) -> %.0f images/s%n", median, sorted[0],
                sorted[steps - 1], batch * 1000 / median);
        nanos.forEach((k, n) -> System.out.printf("  %-22s %7.1f ms/step%n", k, n / 1e6 / steps));
        System.out.printf("native memory of the backend beyond the tensors (plans, arena): %.1f MiB%n",
                (cpu.memoryInUse() - tensorsOnly) / 1048576.0);
        for (Tensor t : owned) {
            t.close();
        }
    }
}
