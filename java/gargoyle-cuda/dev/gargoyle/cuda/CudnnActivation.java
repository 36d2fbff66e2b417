package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Addresses.raw;
import static org.bytedeco.cuda.global.cudnn.CUDNN_ACTIVATION_RELU;
import static org.bytedeco.cuda.global.cudnn.CUDNN_PROPAGATE_NAN;
import static org.bytedeco.cuda.global.cudnn.cudnnActivationBackward;
import static org.bytedeco.cuda.global.cudnn.cudnnActivationForward;
import static org.bytedeco.cuda.global.cudnn.cudnnCreateActivationDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyActivationDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnSetActivationDescriptor;

import dev.gargoyle.tensor.Shape;
import org.bytedeco.cuda.cudnn.cudnnActivationStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;

/** ReLU on cuDNN; both directions may run in place (cuDNN allows x == y and dy == dx). */
// cuDNN 9 deprecates its legacy descriptor API in favour of the graph API; DESIGN.md chooses the
// legacy API, which cuDNN 9 still ships and documents.
@SuppressWarnings("deprecation")
final class CudnnActivation implements NativeResource {
    private final CudaContext ctx;
    private final TensorDescriptors tensors;
    private final cudnnActivationStruct relu = new cudnnActivationStruct();

    CudnnActivation(CudaContext ctx, TensorDescriptors tensors) {
        this.ctx = ctx;
        this.tensors = tensors;
        CudaStatus.cudnn(cudnnCreateActivationDescriptor(relu), "cudnnCreateActivationDescriptor");
        int status = cudnnSetActivationDescriptor(relu, CUDNN_ACTIVATION_RELU, CUDNN_PROPAGATE_NAN, 0.0);
        if (status != 0) {
            close();
            throw CudaStatus.cudnnError(status, "cudnnSetActivationDescriptor", "ReLU");
        }
    }

    void reluForward(Shape s, long x, long y) {
        cudnnTensorStruct d = tensors.of(s);
        CudaStatus.cudnn(cudnnActivationForward(ctx.dnn, relu, ctx.one, d, raw(x), ctx.zero, d, raw(y)),
                "cudnnActivationForward", "ReLU of " + s);
    }

    /**
     * {@code dx = dy · (y > 0)}. cuDNN's backward asks for the forward's input too; for ReLU
     * {@code y > 0} exactly where {@code x > 0}, so the output stands in for it (as Chainer does)
     * and the forward may overwrite its input.
     */
    void reluBackward(Shape s, long y, long dy, long dx) {
        cudnnTensorStruct d = tensors.of(s);
        CudaStatus.cudnn(cudnnActivationBackward(ctx.dnn, relu, ctx.one, d, raw(y), d, raw(dy), d, raw(y), ctx.zero, d,
                raw(dx)), "cudnnActivationBackward", "ReLU of " + s);
    }

    @Override
    public void close() {
        if (!relu.isNull()) {
            CudaStatus.cudnn(cudnnDestroyActivationDescriptor(relu), "cudnnDestroyActivationDescriptor");
            relu.setNull();
        }
    }
}
