package dev.gargoyle.bench;

import java.util.List;

/**
 * Everything one layer benchmark found: where it ran, how, the validation, the peaks, and every
 * measured pass in layer order.
 *
 * @param backend the backend's own description (library versions, ISA, threads or GPU)
 * @param shapes  the shape set: {@code ahe}, {@code deepbench} or a file name
 */
public record BenchReport(String device, String backend, String shapes, int warmup, int repeats,
                          List<Check> validation, Peaks peaks, List<OpResult> results) {

    public BenchReport {
        validation = List.copyOf(validation);
        results = List.copyOf(results);
    }

    /** The rows of the algorithms the backend runs, one per layer and pass. */
    public List<OpResult> chosen() {
        return results.stream().filter(OpResult::chosen).toList();
    }
}
