package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Addresses.raw;
import static org.bytedeco.cuda.global.cudnn.CUDNN_BATCHNORM_SPATIAL;
import static org.bytedeco.cuda.global.cudnn.cudnnBatchNormalizationBackward;
import static org.bytedeco.cuda.global.cudnn.cudnnBatchNormalizationForwardInference;
import static org.bytedeco.cuda.global.cudnn.cudnnBatchNormalizationForwardTraining;

import dev.gargoyle.tensor.Shape;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;

/**
 * Spatial batch normalisation on cuDNN (CUDNN_BATCHNORM_SPATIAL: statistics over N, H, W per channel).
 *
 * <p><b>How cuDNN's running statistics relate to PyTorch's.</b> cuDNN documents
 * {@code runningMean = newMean*factor + runningMean*(1-factor)} for its
 * {@code exponentialAverageFactor}, the same blend as PyTorch's
 * {@code running = (1 - momentum)·running + momentum·batch}, so the factor is the momentum itself
 * (as PyTorch passes it). For the variance cuDNN normalises with the biased batch variance but
 * blends the unbiased one ({@code ·n/(n-1)}, n = N·H·W) into {@code resultRunningVariance}, which is
 * again PyTorch's rule: NVIDIA's forum reports a batch of variance 20 and size 20 giving a running
 * value of 20·20/19 = 21.05, MXNet's issue #21111 measured the same, and PyTorch's cuDNN path
 * passes its buffers through unchanged. {@code resultSaveInvVariance} is, despite the name,
 * {@code 1/sqrt(var + eps)} (ONNX Runtime's PR #8172 checked it), i.e. our {@code saveInvStd}.
 * So no correction is applied here; CudaBatchNormStatisticsTest checks all of it against float64.
 */
// cuDNN 9 deprecates its legacy descriptor API in favour of the graph API; DESIGN.md chooses the
// legacy API, which cuDNN 9 still ships and documents.
@SuppressWarnings("deprecation")
final class CudnnBatchNorm {
    private final CudaContext ctx;
    private final TensorDescriptors tensors;

    CudnnBatchNorm(CudaContext ctx, TensorDescriptors tensors) {
        this.ctx = ctx;
        this.tensors = tensors;
    }

    void forwardTraining(Shape xs, long x, long gamma, long beta, long runningMean, long runningVar, float momentum,
                         float eps, long y, long saveMean, long saveInvStd) {
        cudnnTensorStruct xd = tensors.of(xs);
        CudaStatus.cudnn(cudnnBatchNormalizationForwardTraining(ctx.dnn, CUDNN_BATCHNORM_SPATIAL, ctx.one, ctx.zero,
                xd, raw(x), xd, raw(y), channels(xs), raw(gamma), raw(beta), momentum, raw(runningMean),
                raw(runningVar), eps, raw(saveMean), raw(saveInvStd)),
                "cudnnBatchNormalizationForwardTraining", "x " + xs + ", momentum " + momentum + ", eps " + eps);
    }

    void forwardInference(Shape xs, long x, long gamma, long beta, long runningMean, long runningVar, float eps,
                          long y) {
        cudnnTensorStruct xd = tensors.of(xs);
        CudaStatus.cudnn(cudnnBatchNormalizationForwardInference(ctx.dnn, CUDNN_BATCHNORM_SPATIAL, ctx.one, ctx.zero,
                xd, raw(x), xd, raw(y), channels(xs), raw(gamma), raw(beta), raw(runningMean), raw(runningVar), eps),
                "cudnnBatchNormalizationForwardInference", "x " + xs + ", eps " + eps);
    }

    /** {@code dx} overwritten (betaDataDiff = 0); {@code dgamma, dbeta} accumulated (betaParamDiff = 1). */
    void backward(Shape xs, long x, long dy, long gamma, long saveMean, long saveInvStd, float eps, long dx,
                  long dgamma, long dbeta) {
        cudnnTensorStruct xd = tensors.of(xs);
        CudaStatus.cudnn(cudnnBatchNormalizationBackward(ctx.dnn, CUDNN_BATCHNORM_SPATIAL, ctx.one, ctx.zero, ctx.one,
                ctx.one, xd, raw(x), xd, raw(dy), xd, raw(dx), channels(xs), raw(gamma), raw(dgamma), raw(dbeta), eps,
                raw(saveMean), raw(saveInvStd)),
                "cudnnBatchNormalizationBackward", "x " + xs + ", eps " + eps);
    }

    /** The per-channel descriptor {@code [1,C,1,1]}, what cudnnDeriveBNTensorDescriptor gives in spatial mode. */
    private cudnnTensorStruct channels(Shape xs) {
        return tensors.get(1, xs.dim(1), 1, 1);
    }
}
