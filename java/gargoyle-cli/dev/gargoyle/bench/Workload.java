package dev.gargoyle.bench;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The tensors of one benchmark layer on a backend, filled with seeded random values, and each of
 * its passes as a {@link Runnable} over them. Passes run in {@link BenchLayer#passes()} order, so a
 * backward finds what its forward saved. Owns its tensors; {@link #close()} frees them.
 */
abstract sealed class Workload implements AutoCloseable {
    protected final Backend backend;
    private final List<Tensor> owned = new ArrayList<>();

    Workload(Backend backend) {
        this.backend = backend;
    }

    /** The workload of {@code layer}. */
    static Workload of(Backend backend, BenchLayer layer) {
        if (layer instanceof ConvLayer c) {
            return new Conv(backend, c);
        }
        if (layer instanceof PoolLayer p) {
            return new Pool(backend, p);
        }
        return new BatchNorm(backend, (BatchNormLayer) layer);
    }

    /** One run of {@code pass}. */
    abstract Runnable pass(Pass pass);

    protected Tensor tensor(Shape shape) {
        Tensor t = backend.allocate(shape);
        owned.add(t);
        return t;
    }

    protected Tensor random(Shape shape, long seed) {
        return Fill.uniform(tensor(shape), seed);
    }

    /**
     * A random activation as a batch-norm (with ReLU, when {@code relu}) in the model leaves it: in the
     * layout the backend keeps activations in (oneDNN's blocked one on the CPU), so a pass is timed
     * as it runs inside a training step, not with a layout conversion of user data in front of it.
     */
    protected Tensor activation(Shape shape, long seed, boolean relu) {
        Shape c = Shape.of(shape.dim(1));
        Tensor raw = random(shape, seed);
        Tensor ones = Fill.constant(tensor(c), 1f);
        Tensor zeros = tensor(c);
        Tensor out = tensor(shape);
        Tensor mean = tensor(c);
        Tensor invStd = tensor(c);
        if (relu) {
            backend.batchNormReluForwardTraining(raw, ones, zeros, tensor(c), Fill.constant(tensor(c), 1f), 0.1f, 1e-5f,
                    out, mean, invStd, tensor(backend.batchNormReluWorkspaceShape(shape)));
        } else {
            backend.batchNormForwardTraining(raw, ones, zeros, tensor(c), Fill.constant(tensor(c), 1f), 0.1f, 1e-5f,
                    out, mean, invStd);
        }
        return out;
    }

    protected static IllegalArgumentException unsupported(BenchLayer layer, Pass pass) {
        return new IllegalArgumentException(layer.kind() + " layer " + layer.name() + " has no " + pass.label()
                + " pass");
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }

    /** Convolution without bias: x and dy random activations, w random; y, dx, dw written. */
    static final class Conv extends Workload {
        private final ConvLayer layer;
        private final Tensor x;
        private final Tensor w;
        private final Tensor y;
        private final Tensor dy;
        private final Tensor dx;
        private final Tensor dw;

        Conv(Backend backend, ConvLayer layer) {
            super(backend);
            this.layer = layer;
            try {
                x = activation(layer.input(), 1, false);
                w = random(layer.weight(), 2);
                dy = activation(layer.output(), 3, false);
                y = tensor(layer.output());
                dx = tensor(layer.input());
                dw = tensor(layer.weight());
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        Tensor x() {
            return x;
        }

        Tensor w() {
            return w;
        }

        @Override
        Runnable pass(Pass pass) {
            return switch (pass) {
                case FORWARD -> () -> backend.conv2dForward(x, w, null, layer.spec(), y);
                case BACKWARD_DATA -> () -> backend.conv2dBackwardData(dy, w, layer.spec(), dx);
                // Accumulates into dw on every run, as training does between zeroings.
                case BACKWARD_FILTER -> () -> backend.conv2dBackwardWeights(x, dy, layer.spec(), dw, null);
                case BACKWARD -> throw unsupported(layer, pass);
            };
        }
    }

    /**
     * Training-mode pooling: x and dy random activations (x after a batch-norm with ReLU, as in the
     * model); y, workspace (where the backend has one), dx written.
     */
    static final class Pool extends Workload {
        private final PoolLayer layer;
        private final Tensor x;
        private final Tensor y;
        private final Tensor workspace;
        private final Tensor dy;
        private final Tensor dx;

        Pool(Backend backend, PoolLayer layer) {
            super(backend);
            this.layer = layer;
            try {
                x = activation(layer.input(), 4, true);
                dy = activation(layer.output(), 5, false);
                y = tensor(layer.output());
                dx = tensor(layer.input());
                Shape ws = backend.pool2dWorkspaceShape(layer.spec(), layer.input());
                workspace = ws.numel() == 0 ? null : tensor(ws);
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        @Override
        Runnable pass(Pass pass) {
            return switch (pass) {
                case FORWARD -> () -> backend.pool2dForward(x, layer.spec(), y, workspace);
                case BACKWARD -> () -> backend.pool2dBackward(x, y, dy, layer.spec(), workspace, dx);
                case BACKWARD_DATA, BACKWARD_FILTER -> throw unsupported(layer, pass);
            };
        }
    }

    /** Training-mode batch-norm (with ReLU where the layer has it) with PyTorch's momentum and eps. */
    static final class BatchNorm extends Workload {
        private static final float MOMENTUM = 0.1f;
        private static final float EPS = 1e-5f;
        private final BatchNormLayer layer;
        private final Tensor x;
        private final Tensor gamma;
        private final Tensor beta;
        private final Tensor runningMean;
        private final Tensor runningVar;
        private final Tensor y;
        private final Tensor saveMean;
        private final Tensor saveInvStd;
        private final Tensor dy;
        private final Tensor dx;
        private final Tensor dgamma;
        private final Tensor dbeta;
        private final Tensor workspace;

        BatchNorm(Backend backend, BatchNormLayer layer) {
            super(backend);
            this.layer = layer;
            Shape c = Shape.of(layer.c());
            try {
                x = activation(layer.input(), 6, false);
                dy = activation(layer.output(), 7, false);
                gamma = Fill.uniform(tensor(c), 8, 0.5f, 1.5f);
                beta = random(c, 9);
                runningMean = tensor(c);
                runningVar = Fill.constant(tensor(c), 1f);
                y = tensor(layer.output());
                saveMean = tensor(c);
                saveInvStd = tensor(c);
                dx = tensor(layer.input());
                dgamma = tensor(c);
                dbeta = tensor(c);
                workspace = layer.relu() ? tensor(backend.batchNormReluWorkspaceShape(layer.input())) : null;
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        @Override
        Runnable pass(Pass pass) {
            if (layer.relu()) {
                return switch (pass) {
                    case FORWARD -> () -> backend.batchNormReluForwardTraining(x, gamma, beta, runningMean, runningVar,
                            MOMENTUM, EPS, y, saveMean, saveInvStd, workspace);
                    case BACKWARD -> () -> backend.batchNormReluBackward(x, y, dy, gamma, saveMean, saveInvStd, EPS,
                            workspace, dx, dgamma, dbeta);
                    case BACKWARD_DATA, BACKWARD_FILTER -> throw unsupported(layer, pass);
                };
            }
            return switch (pass) {
                case FORWARD -> () -> backend.batchNormForwardTraining(x, gamma, beta, runningMean, runningVar, MOMENTUM,
                        EPS, y, saveMean, saveInvStd);
                case BACKWARD -> () -> backend.batchNormBackward(x, dy, gamma, saveMean, saveInvStd, EPS, dx, dgamma,
                        dbeta);
                case BACKWARD_DATA, BACKWARD_FILTER -> throw unsupported(layer, pass);
            };
        }
    }
}
