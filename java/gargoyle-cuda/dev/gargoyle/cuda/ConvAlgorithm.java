package dev.gargoyle.cuda;

/**
 * One convolution algorithm cuDNN offered for a layer's shapes, as its Find call measured it: the
 * bench prints every one per layer and direction and marks the one this backend runs.
 *
 * @param status         cuDNN's status for it, {@code CUDNN_STATUS_SUCCESS} when it ran
 * @param milliseconds   the time Find measured (meaningless unless it ran)
 * @param workspaceBytes the device workspace it needs
 * @param mathType       {@code FMA}, {@code DEFAULT} (TF32 allowed), {@code TENSOR_OP} or
 *                       {@code TENSOR_OP_ALLOW_CONVERSION}
 * @param chosen         whether this backend runs it for these shapes
 */
public record ConvAlgorithm(Direction direction, int id, String name, String status, float milliseconds,
                            long workspaceBytes, boolean deterministic, String mathType, boolean chosen) {

    /** Which of the three convolution computations an algorithm serves. */
    public enum Direction { FORWARD, BACKWARD_DATA, BACKWARD_FILTER }

    private static final String[] FORWARD = {"IMPLICIT_GEMM", "IMPLICIT_PRECOMP_GEMM", "GEMM", "DIRECT", "FFT",
        "FFT_TILING", "WINOGRAD", "WINOGRAD_NONFUSED"};
    private static final String[] BACKWARD_DATA = {"ALGO_0", "ALGO_1", "FFT", "FFT_TILING", "WINOGRAD",
        "WINOGRAD_NONFUSED"};
    private static final String[] BACKWARD_FILTER = {"ALGO_0", "ALGO_1", "FFT", "ALGO_3", "WINOGRAD",
        "WINOGRAD_NONFUSED", "FFT_TILING"};
    private static final String[] MATH_TYPES = {"DEFAULT", "TENSOR_OP", "TENSOR_OP_ALLOW_CONVERSION", "FMA"};

    /** cuDNN's name of algorithm {@code id} without the enum prefix, e.g. {@code IMPLICIT_PRECOMP_GEMM}. */
    static String name(Direction direction, int id) {
        String[] names = switch (direction) {
            case FORWARD -> FORWARD;
            case BACKWARD_DATA -> BACKWARD_DATA;
            case BACKWARD_FILTER -> BACKWARD_FILTER;
        };
        return id >= 0 && id < names.length ? names[id] : "ALGO_" + id;
    }

    static String mathTypeName(int mathType) {
        return mathType >= 0 && mathType < MATH_TYPES.length ? MATH_TYPES[mathType] : "MATH_" + mathType;
    }
}
