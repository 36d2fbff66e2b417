package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudnn.CUDNN_CROSS_CORRELATION;
import static org.bytedeco.cuda.global.cudnn.CUDNN_DATA_FLOAT;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_NCHW;
import static org.bytedeco.cuda.global.cudnn.cudnnCreateConvolutionDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnCreateFilterDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyConvolutionDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyFilterDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnGetConvolution2dForwardOutputDim;
import static org.bytedeco.cuda.global.cudnn.cudnnSetConvolution2dDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnSetConvolutionGroupCount;
import static org.bytedeco.cuda.global.cudnn.cudnnSetConvolutionMathType;
import static org.bytedeco.cuda.global.cudnn.cudnnSetFilter4dDescriptor;

import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;
import org.bytedeco.cuda.cudnn.cudnnConvolutionStruct;
import org.bytedeco.cuda.cudnn.cudnnFilterStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;

/**
 * The cuDNN descriptors of one {@link ConvKey}: input, output and bias tensors (shared, from
 * {@link TensorDescriptors}), and the filter and convolution descriptors this object owns.
 */
// cuDNN 9 deprecates its legacy descriptor API in favour of the graph API; DESIGN.md chooses the
// legacy API, which cuDNN 9 still ships and documents.
@SuppressWarnings("deprecation")
final class ConvDescriptors implements NativeResource {
    final cudnnTensorStruct x;
    final cudnnTensorStruct y;
    final cudnnTensorStruct bias;
    final cudnnFilterStruct w = new cudnnFilterStruct();
    final cudnnConvolutionStruct conv = new cudnnConvolutionStruct();
    private int mathType = -1;

    ConvDescriptors(ConvKey key, TensorDescriptors tensors) {
        Shape xs = key.x();
        Shape ws = key.w();
        Shape ys = key.y();
        Conv2dSpec s = key.spec();
        x = tensors.of(xs);
        y = tensors.of(ys);
        bias = tensors.get(1, ws.dim(0), 1, 1);
        try {
            CudaStatus.cudnn(cudnnCreateFilterDescriptor(w), "cudnnCreateFilterDescriptor");
            CudaStatus.cudnn(cudnnSetFilter4dDescriptor(w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW,
                    ws.dim(0), ws.dim(1), ws.dim(2), ws.dim(3)), "cudnnSetFilter4dDescriptor", key);
            CudaStatus.cudnn(cudnnCreateConvolutionDescriptor(conv), "cudnnCreateConvolutionDescriptor");
            // Cross-correlation, as PyTorch's Conv2d; accumulation in float.
            CudaStatus.cudnn(cudnnSetConvolution2dDescriptor(conv, s.padH(), s.padW(), s.strideH(), s.strideW(),
                    s.dilationH(), s.dilationW(), CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
                    "cudnnSetConvolution2dDescriptor", key);
            CudaStatus.cudnn(cudnnSetConvolutionGroupCount(conv, s.groups()), "cudnnSetConvolutionGroupCount", key);
            mathType(key.mathType());
            checkOutputShape(key, ys);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Sets the convolution's math type (before a Find or a run), skipping the call when unchanged. */
    void mathType(int type) {
        if (type != mathType) {
            CudaStatus.cudnn(cudnnSetConvolutionMathType(conv, type), "cudnnSetConvolutionMathType",
                    ConvAlgorithm.mathTypeName(type));
            mathType = type;
        }
    }

    /** cuDNN and Conv2dSpec must agree on the output shape; a disagreement is a bug here, not bad input. */
    private void checkOutputShape(ConvKey key, Shape expected) {
        int[] n = new int[1];
        int[] c = new int[1];
        int[] h = new int[1];
        int[] wd = new int[1];
        CudaStatus.cudnn(cudnnGetConvolution2dForwardOutputDim(conv, x, w, n, c, h, wd),
                "cudnnGetConvolution2dForwardOutputDim", key);
        Shape got = Shape.of(n[0], c[0], h[0], wd[0]);
        if (!got.equals(expected)) {
            throw new IllegalStateException("cuDNN computes output " + got + " but Conv2dSpec " + expected + " for " + key);
        }
    }

    @Override
    public void close() {
        Release r = new Release();
        if (!w.isNull()) {
            r.run(() -> CudaStatus.cudnn(cudnnDestroyFilterDescriptor(w), "cudnnDestroyFilterDescriptor"));
            w.setNull();
        }
        if (!conv.isNull()) {
            r.run(() -> CudaStatus.cudnn(cudnnDestroyConvolutionDescriptor(conv), "cudnnDestroyConvolutionDescriptor"));
            conv.setNull();
        }
        r.done();
    }
}
