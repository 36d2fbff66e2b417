package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Addresses.raw;
import static org.bytedeco.cuda.global.cudnn.CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING;
import static org.bytedeco.cuda.global.cudnn.CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING;
import static org.bytedeco.cuda.global.cudnn.CUDNN_POOLING_MAX_DETERMINISTIC;
import static org.bytedeco.cuda.global.cudnn.CUDNN_PROPAGATE_NAN;
import static org.bytedeco.cuda.global.cudnn.cudnnCreatePoolingDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyPoolingDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnPoolingBackward;
import static org.bytedeco.cuda.global.cudnn.cudnnPoolingForward;
import static org.bytedeco.cuda.global.cudnn.cudnnSetPooling2dDescriptor;

import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.cuda.cudnn.cudnnPoolingStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;

/**
 * Max and average pooling on cuDNN. cuDNN's backward recomputes the window maxima from x and y,
 * so no workspace is kept between forward and backward. NaNs propagate, as in PyTorch.
 */
// cuDNN 9 deprecates its legacy descriptor API in favour of the graph API; DESIGN.md chooses the
// legacy API, which cuDNN 9 still ships and documents.
@SuppressWarnings("deprecation")
final class CudnnPooling implements NativeResource {
    private final CudaContext ctx;
    private final TensorDescriptors tensors;
    private final Map<Pool2dSpec, cudnnPoolingStruct> descriptors = new HashMap<>();

    CudnnPooling(CudaContext ctx, TensorDescriptors tensors) {
        this.ctx = ctx;
        this.tensors = tensors;
    }

    /**
     * cuDNN's mode for {@code spec}: max pooling in its deterministic variant (overlapping windows
     * then sum their gradients in a fixed order), average pooling with or without padded cells in
     * the divisor as PyTorch's {@code count_include_pad}.
     */
    static int mode(Pool2dSpec spec) {
        if (spec.kind() == Pool2dSpec.Kind.MAX) {
            return CUDNN_POOLING_MAX_DETERMINISTIC;
        }
        return spec.countIncludePad() ? CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING
                : CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING;
    }

    void forward(Pool2dSpec spec, Shape xs, long x, Shape ys, long y) {
        cudnnTensorStruct xd = tensors.of(xs);
        cudnnTensorStruct yd = tensors.of(ys);
        CudaStatus.cudnn(cudnnPoolingForward(ctx.dnn, descriptor(spec), ctx.one, xd, raw(x), ctx.zero, yd, raw(y)),
                "cudnnPoolingForward", spec + ", x " + xs);
    }

    /** {@code dx = pool_backward(dy)}, overwritten (beta = 0). */
    void backward(Pool2dSpec spec, Shape xs, long x, Shape ys, long y, long dy, long dx) {
        cudnnTensorStruct xd = tensors.of(xs);
        cudnnTensorStruct yd = tensors.of(ys);
        CudaStatus.cudnn(cudnnPoolingBackward(ctx.dnn, descriptor(spec), ctx.one, yd, raw(y), yd, raw(dy), xd, raw(x),
                ctx.zero, xd, raw(dx)), "cudnnPoolingBackward", spec + ", x " + xs);
    }

    private cudnnPoolingStruct descriptor(Pool2dSpec spec) {
        cudnnPoolingStruct d = descriptors.get(spec);
        if (d == null) {
            d = new cudnnPoolingStruct();
            CudaStatus.cudnn(cudnnCreatePoolingDescriptor(d), "cudnnCreatePoolingDescriptor");
            int status = cudnnSetPooling2dDescriptor(d, mode(spec), CUDNN_PROPAGATE_NAN, spec.kernelH(), spec.kernelW(),
                    spec.padH(), spec.padW(), spec.strideH(), spec.strideW());
            if (status != 0) {
                cudnnDestroyPoolingDescriptor(d);
                throw CudaStatus.cudnnError(status, "cudnnSetPooling2dDescriptor", spec);
            }
            descriptors.put(spec, d);
        }
        return d;
    }

    @Override
    public void close() {
        Release r = new Release();
        for (cudnnPoolingStruct d : descriptors.values()) {
            r.run(() -> CudaStatus.cudnn(cudnnDestroyPoolingDescriptor(d), "cudnnDestroyPoolingDescriptor"));
        }
        descriptors.clear();
        r.done();
    }
}
