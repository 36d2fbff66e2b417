package dev.gargoyle.bench;

import dev.gargoyle.cuda.ConvAlgorithm;
import dev.gargoyle.cuda.CudnnTuning;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times every algorithm cuDNN's Find offered for one convolution pass: the one the backend chose
 * through the ordinary op, each other successful one forced with
 * {@link CudnnTuning#withConvAlgorithm}; those Find reported as failing are listed with their status.
 */
final class CudaConvSweep {
    private static final String SUCCESS = "CUDNN_STATUS_SUCCESS";

    private CudaConvSweep() {
    }

    static List<OpResult> measure(CudnnTuning cuda, ConvLayer layer, Pass pass, Runnable op, OpTimer timer,
                                  BenchSettings s) {
        Timing chosenTiming = timer.time(op, s.warmup(), s.repeats());
        ConvAlgorithm.Direction direction = switch (pass) {
            case FORWARD -> ConvAlgorithm.Direction.FORWARD;
            case BACKWARD_DATA -> ConvAlgorithm.Direction.BACKWARD_DATA;
            case BACKWARD_FILTER -> ConvAlgorithm.Direction.BACKWARD_FILTER;
            case BACKWARD -> throw new IllegalArgumentException("conv has no plain backward pass");
        };
        // One entry per algorithm: the search of the best-aligned operands comes first.
        Map<Integer, ConvAlgorithm> found = new LinkedHashMap<>();
        for (ConvAlgorithm a : cuda.convAlgorithms(layer.input(), layer.weight(), layer.spec())) {
            if (a.direction() == direction) {
                found.putIfAbsent(a.id(), a);
            }
        }
        List<OpResult> rows = new ArrayList<>();
        for (ConvAlgorithm a : found.values()) {
            if (a.chosen()) {
                rows.add(row(layer, pass, a, OpResult.OK, chosenTiming));
            } else if (!a.status().equals(SUCCESS)) {
                rows.add(row(layer, pass, a, a.status(), null));
            } else {
                Timing[] forced = new Timing[1];
                try {
                    cuda.withConvAlgorithm(direction, a.id(),
                            () -> forced[0] = timer.time(op, s.warmup(), s.repeats()));
                    rows.add(row(layer, pass, a, OpResult.OK, forced[0]));
                } catch (RuntimeException e) {
                    rows.add(row(layer, pass, a, "failed: " + e.getMessage(), null));
                }
            }
        }
        if (rows.stream().noneMatch(OpResult::chosen)) {
            rows.add(0, new OpResult(layer.name(), layer.kind(), layer.geometry(), pass, "cuDNN choice", true,
                    OpResult.OK, chosenTiming, layer.flops(pass), layer.bytes(pass), null, null, null, null));
        }
        return rows;
    }

    private static OpResult row(ConvLayer layer, Pass pass, ConvAlgorithm a, String status, Timing timing) {
        return new OpResult(layer.name(), layer.kind(), layer.geometry(), pass, a.name(), a.chosen(), status, timing,
                layer.flops(pass), layer.bytes(pass), a.workspaceBytes(), a.deterministic(), a.mathType(),
                (double) a.milliseconds());
    }
}
