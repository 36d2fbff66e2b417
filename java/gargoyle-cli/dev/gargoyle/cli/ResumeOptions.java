package dev.gargoyle.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What {@code train --resume} keeps and what it lets change: the saved run's options win. Given
 * again with the same value, an option is fine; with another value it is a usage error naming each
 * such option and both values. Only options that extend the run or change no number already
 * computed may change: {@code --epochs} (to extend a finished run), {@code --max-steps},
 * {@code --device}, {@code --workers}, {@code --save-every}, {@code --cache-limit} and {@code --quiet}.
 */
final class ResumeOptions {
    private static final Set<String> MAY_CHANGE = Set.of("--resume", "--epochs", "--max-steps", "--device",
            "--workers", "--quiet", "--save-every", "--dist-timeout", "--precision", "--cache-limit");
    private static final Map<String, Function<TrainConfig, Object>> VALUES = values();

    private ResumeOptions() {
    }

    private static Map<String, Function<TrainConfig, Object>> values() {
        Map<String, Function<TrainConfig, Object>> m = new LinkedHashMap<>();
        m.put("--data", c -> path(c.data()));
        m.put("--out", c -> path(c.resume() != null ? c.resume() : c.out()));
        m.put("--batch-size", TrainConfig::batchSize);
        m.put("--accumulation-steps", TrainConfig::accumulationSteps);
        m.put("--optimizer", TrainConfig::optimizer);
        m.put("--lr", TrainConfig::lr);
        m.put("--momentum", TrainConfig::momentum);
        m.put("--nesterov", TrainConfig::nesterov);
        m.put("--weight-decay", TrainConfig::weightDecay);
        m.put("--schedule", TrainConfig::schedule);
        m.put("--warmup-steps", TrainConfig::warmupSteps);
        m.put("--clip-norm", TrainConfig::clipNorm);
        m.put("--size", TrainConfig::size);
        m.put("--augment", c -> c.augment() ? "default" : "none");
        m.put("--dropout", TrainConfig::dropout);
        m.put("--seed", TrainConfig::seed);
        m.put("--tf32", TrainConfig::tf32);
        m.put("--val-split", TrainConfig::valSplit);
        m.put("--mean", c -> floats(c.mean()));
        m.put("--std", c -> floats(c.std()));
        m.put("--strict", TrainConfig::strict);
        m.put("--no-shuffle", c -> !c.shuffle());
        m.put("--init", c -> path(c.init()));
        m.put("--reset-head", TrainConfig::resetHead);
        m.put("--freeze", TrainConfig::freeze);
        m.put("--freeze-until", TrainConfig::freeze);
        m.put("--backbone-lr", TrainConfig::backboneLr);
        m.put("--class-weights", TrainConfig::classWeights);
        m.put("--sampler", TrainConfig::sampler);
        m.put("--max-pixels", TrainConfig::maxPixels);
        m.put("--save-every", TrainConfig::saveEvery);
        m.put("--sync-bn", TrainConfig::syncBn);
        return m;
    }

    /**
     * The saved options, with {@code --epochs}, {@code --max-steps}, {@code --device} and
     * {@code --workers} taken from {@code requested} where {@code given} names them.
     *
     * @param given the options given on the command line (their longest names)
     * @throws UsageException naming each given option whose value differs from the saved run's
     */
    static TrainConfig merge(TrainConfig saved, TrainConfig requested, Set<String> given) {
        List<String> conflicts = new ArrayList<>();
        for (String option : given) {
            if (MAY_CHANGE.contains(option)) {
                continue;
            }
            Function<TrainConfig, Object> value = VALUES.get(option);
            if (value == null) {
                throw new IllegalStateException("no resume rule for " + option);
            }
            Object now = value.apply(requested);
            Object before = value.apply(saved);
            if (!Objects.equals(now, before)) {
                conflicts.add(option + " " + now + " (the run has " + before + ")");
            }
        }
        Path dir = requested.resume();
        if (!conflicts.isEmpty()) {
            throw new UsageException("--resume " + dir + " continues the run with its saved options; these differ: "
                    + String.join(", ", conflicts) + ". Leave them out, or start a new run with --out.");
        }
        TrainConfig.Builder b = saved.toBuilder().out(dir).resume(dir);
        if (given.contains("--epochs")) {
            b.epochs(requested.epochs());
        }
        if (given.contains("--max-steps")) {
            b.maxSteps(requested.maxSteps());
        } else {
            b.maxSteps(0);
        }
        if (given.contains("--device")) {
            b.device(requested.device());
        }
        if (given.contains("--workers")) {
            b.workers(requested.workers());
        }
        if (given.contains("--precision")) {
            b.bf16(requested.bf16());
        }
        if (given.contains("--cache-limit")) {
            b.cacheMib(requested.cacheMib());
        }
        if (given.contains("--save-every")) {
            b.saveEvery(requested.saveEvery());
        }
        return b.build();
    }

    private static Object path(Path p) {
        return p == null ? null : p.toAbsolutePath().normalize();
    }

    private static Object floats(float[] v) {
        return Arrays.toString(v);
    }
}
