package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudnn.CUDNN_DATA_FLOAT;
import static org.bytedeco.cuda.global.cudnn.CUDNN_TENSOR_NCHW;
import static org.bytedeco.cuda.global.cudnn.cudnnCreateTensorDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnDestroyTensorDescriptor;
import static org.bytedeco.cuda.global.cudnn.cudnnSetTensor4dDescriptor;

import dev.gargoyle.tensor.Shape;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;

/**
 * cuDNN's packed float NCHW tensor descriptors, made once per dimensions and shared by every op;
 * training sees a handful of shapes, so the cache stays small.
 */
final class TensorDescriptors implements NativeResource {
    private record Dims(int n, int c, int h, int w) {
    }

    private final Map<Dims, cudnnTensorStruct> cache = new HashMap<>();

    cudnnTensorStruct get(int n, int c, int h, int w) {
        return cache.computeIfAbsent(new Dims(n, c, h, w), d -> {
            cudnnTensorStruct desc = new cudnnTensorStruct();
            CudaStatus.cudnn(cudnnCreateTensorDescriptor(desc), "cudnnCreateTensorDescriptor");
            int status = cudnnSetTensor4dDescriptor(desc, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, n, c, h, w);
            if (status != 0) {
                cudnnDestroyTensorDescriptor(desc);
                throw CudaStatus.cudnnError(status, "cudnnSetTensor4dDescriptor", d);
            }
            return desc;
        });
    }

    /**
     * The descriptor of {@code s} as NCHW: rank 4 as is, {@code [N,K]} as {@code [N,K,1,1]},
     * {@code [C]} as {@code [1,C,1,1]} (cuDNN's per-channel parameter shape), anything else flat.
     */
    cudnnTensorStruct of(Shape s) {
        return switch (s.rank()) {
            case 4 -> get(s.dim(0), s.dim(1), s.dim(2), s.dim(3));
            case 2 -> get(s.dim(0), s.dim(1), 1, 1);
            case 1 -> get(1, s.dim(0), 1, 1);
            default -> get(1, 1, 1, Math.toIntExact(s.numel()));
        };
    }

    @Override
    public void close() {
        Release r = new Release();
        for (cudnnTensorStruct d : cache.values()) {
            r.run(() -> CudaStatus.cudnn(cudnnDestroyTensorDescriptor(d), "cudnnDestroyTensorDescriptor"));
        }
        cache.clear();
        r.done();
    }
}
