package dev.gargoyle.cuda;

import static dev.gargoyle.cuda.Addresses.raw;
import static org.bytedeco.cuda.global.cudart.cudaGetLastError;
import static org.bytedeco.cuda.global.cudnn.CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT;
import static org.bytedeco.cuda.global.cudnn.CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT;
import static org.bytedeco.cuda.global.cudnn.CUDNN_CONVOLUTION_FWD_ALGO_COUNT;
import static org.bytedeco.cuda.global.cudnn.CUDNN_DEFAULT_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_DETERMINISTIC;
import static org.bytedeco.cuda.global.cudnn.CUDNN_FMA_MATH;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_ALLOC_FAILED;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_NOT_SUPPORTED;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_SUCCESS;
import static org.bytedeco.cuda.global.cudnn.cudnnAddTensor;
import static org.bytedeco.cuda.global.cudnn.cudnnConvolutionBackwardBias;
import static org.bytedeco.cuda.global.cudnn.cudnnConvolutionBackwardData;
import static org.bytedeco.cuda.global.cudnn.cudnnConvolutionBackwardFilter;
import static org.bytedeco.cuda.global.cudnn.cudnnConvolutionForward;
import static org.bytedeco.cuda.global.cudnn.cudnnFindConvolutionBackwardDataAlgorithmEx;
import static org.bytedeco.cuda.global.cudnn.cudnnFindConvolutionBackwardFilterAlgorithmEx;
import static org.bytedeco.cuda.global.cudnn.cudnnFindConvolutionForwardAlgorithmEx;
import static org.bytedeco.cuda.global.cudnn.cudnnGetConvolutionBackwardDataAlgorithmMaxCount;
import static org.bytedeco.cuda.global.cudnn.cudnnGetConvolutionBackwardDataWorkspaceSize;
import static org.bytedeco.cuda.global.cudnn.cudnnGetConvolutionBackwardFilterAlgorithmMaxCount;
import static org.bytedeco.cuda.global.cudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize;
import static org.bytedeco.cuda.global.cudnn.cudnnGetConvolutionForwardAlgorithmMaxCount;
import static org.bytedeco.cuda.global.cudnn.cudnnGetConvolutionForwardWorkspaceSize;
import static org.bytedeco.cuda.global.cudnn.cudnnGetErrorString;

import dev.gargoyle.cuda.ConvAlgorithm.Direction;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Shape;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.bytedeco.cuda.cudnn.cudnnConvolutionBwdDataAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionBwdFilterAlgoPerf_t;
import org.bytedeco.cuda.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Convolution forward, backward data and backward filter (and bias) on cuDNN, with algorithms
 * found once per {@link ConvKey} by the Find...Ex calls and cached, as
 * {@code torch.backends.cudnn.benchmark}. Find gets a temporary workspace as large as the hungriest
 * algorithm asks for (up to a limit), so it can time them all; the backend's shared workspace then
 * only grows to what the chosen algorithms need.
 *
 * <p>FP32 by default: CUDNN_FMA_MATH, because CUDNN_DEFAULT_MATH lets Ampere and later GPUs use
 * TF32. With TF32 opted in the descriptor gets CUDNN_DEFAULT_MATH (what PyTorch uses for
 * {@code allow_tf32}); CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION is not used, as it may also convert to FP16.
 */
// cuDNN 9 deprecates its legacy descriptor API in favour of the graph API; DESIGN.md chooses the
// legacy API, which cuDNN 9 still ships and documents.
@SuppressWarnings("deprecation")
final class CudnnConvolution implements NativeResource {
    private static final Logger LOG = LoggerFactory.getLogger(CudnnConvolution.class);

    private final CudaContext ctx;
    private final TensorDescriptors tensors;
    private final DeviceBuffer workspace;
    private final boolean tf32;
    private final boolean deterministic;
    private final long searchWorkspaceLimit;
    private final ConvAlgorithmCache cache = new ConvAlgorithmCache();
    private final Map<ConvKey, ConvDescriptors> descriptors = new HashMap<>();
    private final Map<Direction, Integer> forced = new EnumMap<>(Direction.class);
    private final SizeTPointer size = new SizeTPointer(1);

    /** The calls that differ between the three directions; the search and fallback logic is shared. */
    private interface Calls {
        String name();

        int maxCount(int[] count);

        int workspaceSize(int algo, SizeTPointer bytes);

        List<ConvPerf> find(int requested, Pointer ws, long wsBytes);

        int run(int algo, Pointer ws, long wsBytes);
    }

    CudnnConvolution(CudaContext ctx, TensorDescriptors tensors, DeviceBuffer workspace, boolean tf32,
                     boolean deterministic, long searchWorkspaceLimit) {
        this.ctx = ctx;
        this.tensors = tensors;
        this.workspace = workspace;
        this.tf32 = tf32;
        this.deterministic = deterministic;
        this.searchWorkspaceLimit = searchWorkspaceLimit;
    }

    /** The key of a convolution whose operands live at {@code addresses}. */
    ConvKey key(Shape x, Shape w, Conv2dSpec spec, long... addresses) {
        return new ConvKey(x, w, spec, tf32 ? CUDNN_DEFAULT_MATH : CUDNN_FMA_MATH, ConvKey.alignment(addresses));
    }

    /** {@code y = conv(x, w) (+ bias)}; addresses of device floats, bias 0 for none. */
    void forward(ConvKey key, long x, long w, long bias, long y) {
        ConvDescriptors d = descriptors(key);
        run(Direction.FORWARD, key, d, new Calls() {
            public String name() {
                return "cudnnConvolutionForward";
            }

            public int maxCount(int[] count) {
                return cudnnGetConvolutionForwardAlgorithmMaxCount(ctx.dnn, count);
            }

            public int workspaceSize(int algo, SizeTPointer bytes) {
                return cudnnGetConvolutionForwardWorkspaceSize(ctx.dnn, d.x, d.w, d.conv, d.y, algo, bytes);
            }

            public List<ConvPerf> find(int requested, Pointer ws, long wsBytes) {
                try (cudnnConvolutionFwdAlgoPerf_t perf = new cudnnConvolutionFwdAlgoPerf_t(requested)) {
                    int[] returned = new int[1];
                    CudaStatus.cudnn(cudnnFindConvolutionForwardAlgorithmEx(ctx.dnn, d.x, raw(x), d.w, raw(w), d.conv,
                            d.y, raw(y), requested, returned, perf, ws, wsBytes),
                            "cudnnFindConvolutionForwardAlgorithmEx", key);
                    return rows(perf, returned[0], p -> perf(p.algo(), p.status(), p.time(), p.memory(),
                            p.determinism(), p.mathType()));
                }
            }

            public int run(int algo, Pointer ws, long wsBytes) {
                return cudnnConvolutionForward(ctx.dnn, ctx.one, d.x, raw(x), d.w, raw(w), d.conv, algo, ws, wsBytes,
                        ctx.zero, d.y, raw(y));
            }
        });
        if (bias != 0) {
            CudaStatus.cudnn(cudnnAddTensor(ctx.dnn, ctx.one, d.bias, raw(bias), ctx.one, d.y, raw(y)),
                    "cudnnAddTensor", key);
        }
    }

    /** {@code dx = conv_backward_data(dy, w)}, overwritten (beta = 0). */
    void backwardData(ConvKey key, long dy, long w, long dx) {
        ConvDescriptors d = descriptors(key);
        run(Direction.BACKWARD_DATA, key, d, new Calls() {
            public String name() {
                return "cudnnConvolutionBackwardData";
            }

            public int maxCount(int[] count) {
                return cudnnGetConvolutionBackwardDataAlgorithmMaxCount(ctx.dnn, count);
            }

            public int workspaceSize(int algo, SizeTPointer bytes) {
                return cudnnGetConvolutionBackwardDataWorkspaceSize(ctx.dnn, d.w, d.y, d.conv, d.x, algo, bytes);
            }

            public List<ConvPerf> find(int requested, Pointer ws, long wsBytes) {
                try (cudnnConvolutionBwdDataAlgoPerf_t perf = new cudnnConvolutionBwdDataAlgoPerf_t(requested)) {
                    int[] returned = new int[1];
                    CudaStatus.cudnn(cudnnFindConvolutionBackwardDataAlgorithmEx(ctx.dnn, d.w, raw(w), d.y, raw(dy),
                            d.conv, d.x, raw(dx), requested, returned, perf, ws, wsBytes),
                            "cudnnFindConvolutionBackwardDataAlgorithmEx", key);
                    return rows(perf, returned[0], p -> perf(p.algo(), p.status(), p.time(), p.memory(),
                            p.determinism(), p.mathType()));
                }
            }

            public int run(int algo, Pointer ws, long wsBytes) {
                return cudnnConvolutionBackwardData(ctx.dnn, ctx.one, d.w, raw(w), d.y, raw(dy), d.conv, algo, ws,
                        wsBytes, ctx.zero, d.x, raw(dx));
            }
        });
    }

    /**
     * {@code dw += conv_backward_filter(x, dy)} (beta = 1) and, when {@code dbias} is not 0,
     * {@code dbias += sum of dy over N, P, Q}. Find writes its trial results into a scratch
     * buffer aligned as {@code dw}, never into {@code dw}, whose accumulated gradients it would destroy.
     */
    void backwardFilter(ConvKey key, long x, long dy, long dw, long dbias) {
        ConvDescriptors d = descriptors(key);
        long wBytes = key.w().numel() * Float.BYTES;
        run(Direction.BACKWARD_FILTER, key, d, new Calls() {
            public String name() {
                return "cudnnConvolutionBackwardFilter";
            }

            public int maxCount(int[] count) {
                return cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(ctx.dnn, count);
            }

            public int workspaceSize(int algo, SizeTPointer bytes) {
                return cudnnGetConvolutionBackwardFilterWorkspaceSize(ctx.dnn, d.x, d.y, d.conv, d.w, algo, bytes);
            }

            public List<ConvPerf> find(int requested, Pointer ws, long wsBytes) {
                // The stand-in starts as far into its block as dw is aligned, so Find tries the
                // algorithms at the alignment they will run at (and the key records).
                long offset = ConvKey.offsetAlignedLike(dw);
                try (DeviceBuffer trialDw = new DeviceBuffer(ctx, "cuDNN search's trial weight gradient")
                        .ensure(offset + wBytes);
                     cudnnConvolutionBwdFilterAlgoPerf_t perf = new cudnnConvolutionBwdFilterAlgoPerf_t(requested)) {
                    int[] returned = new int[1];
                    CudaStatus.cudnn(cudnnFindConvolutionBackwardFilterAlgorithmEx(ctx.dnn, d.x, raw(x), d.y, raw(dy),
                            d.conv, d.w, raw(trialDw.address() + offset), requested, returned, perf, ws, wsBytes),
                            "cudnnFindConvolutionBackwardFilterAlgorithmEx", key);
                    return rows(perf, returned[0], p -> perf(p.algo(), p.status(), p.time(), p.memory(),
                            p.determinism(), p.mathType()));
                }
            }

            public int run(int algo, Pointer ws, long wsBytes) {
                return cudnnConvolutionBackwardFilter(ctx.dnn, ctx.one, d.x, raw(x), d.y, raw(dy), d.conv, algo, ws,
                        wsBytes, ctx.one, d.w, raw(dw));
            }
        });
        if (dbias != 0) {
            CudaStatus.cudnn(cudnnConvolutionBackwardBias(ctx.dnn, ctx.one, d.y, raw(dy), ctx.one, d.bias, raw(dbias)),
                    "cudnnConvolutionBackwardBias", key);
        }
    }

    /** Every algorithm found so far for these shapes, with the chosen ones marked. */
    List<ConvAlgorithm> algorithms(ConvKey key) {
        return cache.algorithms(key);
    }

    /** How many Find searches have run. */
    long searches() {
        return cache.searches();
    }

    /** For tests: run {@code algo} for {@code direction} instead of the cached choice; null restores the choice. */
    void force(Direction direction, Integer algo) {
        if (algo == null) {
            forced.remove(direction);
        } else {
            forced.put(direction, algo);
        }
    }

    private void run(Direction direction, ConvKey key, ConvDescriptors d, Calls calls) {
        Integer algo = forced.get(direction);
        if (algo != null) {
            runForced(direction, key, d, calls, algo);
            return;
        }
        ConvChoice choice = cache.get(direction, key, k -> search(direction, k, d, calls));
        StringBuilder skipped = new StringBuilder();
        int status = choice.run(p -> {
            if (!workspace.tryEnsure(p.workspaceBytes())) {
                return CUDNN_STATUS_ALLOC_FAILED;
            }
            d.mathType(tf32 ? p.mathType() : key.mathType());
            return calls.run(p.algo(), raw(workspace.address()), workspace.bytes());
        }, (p, refused) -> {
            // cuDNN refuses before it writes, so dw's accumulated gradient is intact for the next one;
            // the runtime's error a refused or out-of-memory run may have left is not ours to report.
            cudaGetLastError();
            String name = ConvAlgorithm.name(direction, p.algo());
            boolean outOfMemory = refused == CUDNN_STATUS_ALLOC_FAILED
                    || refused == CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED;
            String why = outOfMemory ? "ran out of device memory for its " + p.workspaceBytes() + " byte workspace"
                    : "was refused: " + CudaStatus.cudnnText(refused);
            skipped.append(' ').append(name).append(' ').append(why).append('.');
            LOG.warn("{} ({}): algorithm {} {}; trying the next one Find offered", calls.name(), key, name, why);
        });
        if (choice.hasCandidate()) {
            CudaStatus.cudnn(status, calls.name(), key + ", algorithm "
                    + ConvAlgorithm.name(direction, choice.current().algo()));
            return;
        }
        throw new CudnnException(calls.name() + ": no cuDNN algorithm " + (deterministic ? "(deterministic) " : "")
                + "can run on this device for " + key + "." + skipped + " Find reported: " + choice.summary(),
                CUDNN_STATUS_NOT_SUPPORTED);
    }

    private void runForced(Direction direction, ConvKey key, ConvDescriptors d, Calls calls, int algo) {
        String what = key + ", forced algorithm " + ConvAlgorithm.name(direction, algo);
        CudaStatus.cudnn(calls.workspaceSize(algo, size), calls.name() + " workspace size", what);
        workspace.ensure(size.get());
        d.mathType(key.mathType());
        CudaStatus.cudnn(calls.run(algo, raw(workspace.address()), workspace.bytes()), calls.name(), what);
    }

    private ConvChoice search(Direction direction, ConvKey key, ConvDescriptors d, Calls calls) {
        int[] requested = new int[1];
        CudaStatus.cudnn(calls.maxCount(requested), calls.name() + " algorithm count", key);
        // Before the size queries too: another direction's run may have left its algorithm's math type.
        d.mathType(key.mathType());
        long largest = 0;
        for (int algo = 0; algo < algorithmCount(direction); algo++) {
            if (calls.workspaceSize(algo, size) == CUDNN_STATUS_SUCCESS) {
                largest = Math.max(largest, size.get());
            }
        }
        try (DeviceBuffer trial = new DeviceBuffer(ctx, "cuDNN search workspace")) {
            long want = Math.min(largest, searchWorkspaceLimit);
            while (want > 0 && !trial.tryEnsure(want)) {
                want /= 2;
            }
            ConvChoice choice = new ConvChoice(direction, calls.find(requested[0], raw(trial.address()), trial.bytes()),
                    deterministic);
            // Find tries algorithms that may fail inside cuDNN; a non-sticky runtime error one leaves
            // behind must not be reported by our next kernel launch (sticky errors survive this).
            cudaGetLastError();
            LOG.debug("{} ({}): searched with a {} byte workspace: {}", calls.name(), key, trial.bytes(),
                    choice.summary());
            return choice;
        }
    }

    private static int algorithmCount(Direction direction) {
        return switch (direction) {
            case FORWARD -> CUDNN_CONVOLUTION_FWD_ALGO_COUNT;
            case BACKWARD_DATA -> CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT;
            case BACKWARD_FILTER -> CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT;
        };
    }

    /**
     * The first {@code returned} entries of Find's result array, each read by {@code row} (JavaCPP's
     * three perf structs share no interface); leaves the array at position 0.
     */
    private static <P extends Pointer> List<ConvPerf> rows(P perf, int returned, Function<P, ConvPerf> row) {
        List<ConvPerf> rows = new ArrayList<>();
        for (int i = 0; i < returned; i++) {
            perf.position(i);
            rows.add(row.apply(perf));
        }
        perf.position(0);
        return rows;
    }

    private static ConvPerf perf(int algo, int status, float time, long memory, int determinism, int mathType) {
        return new ConvPerf(algo, status, cudnnGetErrorString(status).getString(), time, memory,
                determinism == CUDNN_DETERMINISTIC, mathType);
    }

    private ConvDescriptors descriptors(ConvKey key) {
        ConvDescriptors d = descriptors.get(key);
        if (d == null) {
            d = new ConvDescriptors(key, tensors);
            descriptors.put(key, d);
        }
        return d;
    }

    @Override
    public void close() {
        Release r = new Release();
        for (ConvDescriptors d : descriptors.values()) {
            r.run(d::close);
        }
        descriptors.clear();
        size.close();
        r.done();
    }
}
