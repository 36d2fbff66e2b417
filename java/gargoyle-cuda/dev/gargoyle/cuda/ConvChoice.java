package dev.gargoyle.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Find results of one convolution key and direction, in cuDNN's order (fastest first), and
 * which of them runs: the fastest that succeeded (and is deterministic, when that is asked for).
 * When the chosen one cannot get its workspace, {@link #advance()} moves to the next.
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

    /** Gives up the current algorithm; false when none is left. */
    boolean advance() {
        current++;
        return hasCandidate();
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
