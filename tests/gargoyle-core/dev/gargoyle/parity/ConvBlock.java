package dev.gargoyle.parity;

import static dev.gargoyle.parity.Scope.uniform;

import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import java.util.Random;

/**
 * A conv, batch-norm, ReLU, max-pool block with all its tensors, for the tests that run many
 * training steps and watch native memory; public for the CUDA backend's own memory test.
 */
public final class ConvBlock {
    private static final Conv2dSpec CONV = Conv2dSpec.of(1, 1);
    private static final Pool2dSpec POOL = Pool2dSpec.max(2, 2, 0);

    private final Backend b;
    private final Tensor x, w, bias, gamma, beta, runMean, runVar, h, n, mean, invStd, p, workspace;
    private final Tensor dp, dn, dh, dx, dw, dbias, dgamma, dbeta;

    /**
     * The block's tensors in {@code s}: input {@code xs}, conv weights {@code ws}, and input, conv
     * weights, conv bias, batch-norm scale and shift and the output gradient drawn from {@code rng}.
     */
    public ConvBlock(Backend b, Scope s, Random rng, Shape xs, Shape ws) {
        this.b = b;
        Shape cs = Shape.of(ws.dim(0));
        Shape hs = CONV.outputShape("test", xs, ws);
        Shape ps = POOL.outputShape("test", hs);
        x = s.tensor(xs, uniform(rng, xs.numel()));
        w = s.tensor(ws, uniform(rng, ws.numel()));
        bias = s.tensor(cs, uniform(rng, cs.numel()));
        gamma = s.tensor(cs, uniform(rng, cs.numel()));
        beta = s.tensor(cs, uniform(rng, cs.numel()));
        runMean = s.zeros(cs);
        runVar = s.zeros(cs);
        h = s.zeros(hs);
        n = s.zeros(hs);
        mean = s.zeros(cs);
        invStd = s.zeros(cs);
        p = s.zeros(ps);
        workspace = s.zeros(b.pool2dWorkspaceShape(POOL, hs));
        dp = s.tensor(ps, uniform(rng, ps.numel()));
        dn = s.zeros(hs);
        dh = s.zeros(hs);
        dx = s.zeros(xs);
        dw = s.zeros(ws);
        dbias = s.zeros(cs);
        dgamma = s.zeros(cs);
        dbeta = s.zeros(cs);
    }

    /** One forward and backward pass; the conv's weight and bias gradients accumulate. */
    public void step() {
        b.conv2dForward(x, w, bias, CONV, h);
        b.batchNormForwardTraining(h, gamma, beta, runMean, runVar, 0.1f, 1e-5f, n, mean, invStd);
        b.reluForward(n, n);
        b.pool2dForward(n, POOL, p, workspace);
        b.pool2dBackward(n, p, dp, POOL, workspace, dn);
        b.reluBackward(n, dn, dn);
        b.batchNormBackward(h, dn, gamma, mean, invStd, 1e-5f, dh, dgamma, dbeta);
        b.conv2dBackwardData(dh, w, CONV, dx);
        b.conv2dBackwardWeights(x, dh, CONV, dw, dbias);
    }

    /** Zeroes the conv's weight and bias gradients. */
    public void zeroConvGradients() {
        b.fill(dw, 0f);
        b.fill(dbias, 0f);
    }
}
