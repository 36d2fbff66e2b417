package dev.gargoyle.cuda;

import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_ALLOC_FAILED;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_BAD_PARAM;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED;
import static org.bytedeco.cuda.global.cudnn.CUDNN_STATUS_NOT_SUPPORTED;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ObjIntConsumer;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;

/**
 * The Find results of one convolution key and direction, in cuDNN's order (fastest first), and
 * which of them runs: the fastest that succeeded (and is deterministic, when that is asked for).
 * When the chosen one cannot run, {@link #run} moves on to the next for good.
 */
final class ConvChoice {
    private final ConvAlgorithm.Direction direction;
    private final List<ConvPerf> results;
    private final List<Integer> candidates = new ArrayList<>();
    private int current;

    ConvChoice(ConvAlgorithm.Direction direction, List<ConvPerf> results, boolean deterministicOnly) {
        this.direction = direction;
        this.results = List.copyOf(results);
        for (int i = 0; i < this.results.size(); i++) {
            ConvPerf p = this.results.get(i);
            if (p.succeeded() && (p.deterministic() || !deterministicOnly)) {
                candidates.add(i);
            }
        }
    }

    boolean hasCandidate() {
        return current < candidates.size();
    }

    /** The algorithm to run; only when {@link #hasCandidate()}. */
    ConvPerf current() {
        return results.get(candidates.get(current));
    }

    /**
     * Runs the current algorithm with {@code attempt}, which returns cuDNN's status (ALLOC_FAILED
     * when it could not get the workspace). While the status says this algorithm cannot run here,
     * which Find does not always foresee, the algorithm is given up for good, {@code skipped} hears
     * of it with its status, and the next runs. Returns the last status: success, an error of
     * another kind for the caller to throw (the algorithm is kept), or, when
     * {@link #hasCandidate()} has become false, the last refusal (NOT_SUPPORTED with no candidate).
     */
    int run(ToIntFunction<ConvPerf> attempt, ObjIntConsumer<ConvPerf> skipped) {
        int status = CUDNN_STATUS_NOT_SUPPORTED;
        while (hasCandidate()) {
            ConvPerf p = current();
            status = attempt.applyAsInt(p);
            if (!cannotRunHere(status)) {
                return status;
            }
            skipped.accept(p, status);
            current++;
        }
        return status;
    }

    /**
     * Statuses of an algorithm that cannot run for these operands on this device, where another
     * may: out of memory, and cuDNN 9's NOT_SUPPORTED and BAD_PARAM categories (a misaligned
     * pointer, too little shared memory; the category is the status rounded down to thousands).
     */
    static boolean cannotRunHere(int status) {
        int category = status / 1000 * 1000;
        return category == CUDNN_STATUS_NOT_SUPPORTED || category == CUDNN_STATUS_BAD_PARAM
                || status == CUDNN_STATUS_ALLOC_FAILED
                || status == CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED;
    }

    /** Every result, with the one that runs marked. */
    List<ConvAlgorithm> algorithms() {
        int chosen = hasCandidate() ? candidates.get(current) : -1;
        List<ConvAlgorithm> out = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            ConvPerf p = results.get(i);
            out.add(new ConvAlgorithm(direction, p.algo(), ConvAlgorithm.name(direction, p.algo()), p.statusName(),
                    p.milliseconds(), p.workspaceBytes(), p.deterministic(), ConvAlgorithm.mathTypeName(p.mathType()),
                    i == chosen));
        }
        return out;
    }

    /** For error messages: each algorithm and its status. */
    String summary() {
        return results.stream()
                .map(p -> ConvAlgorithm.name(direction, p.algo()) + " " + p.statusName()
                        + (p.deterministic() ? "" : " (non-deterministic)") + ", " + p.workspaceBytes() + " B")
                .collect(Collectors.joining("; "));
    }
}
