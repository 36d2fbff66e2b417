package dev.gargoyle.cli;

import dev.gargoyle.data.Images;
import dev.gargoyle.data.LoaderOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The options of {@code gargoyle train}, as saved in a run's {@code config.json} so that
 * {@code --resume} rebuilds the same run. Build one with {@link #builder()}; {@link Builder#build()}
 * checks every value and names the bad option.
 *
 * @param data         data set root, or null for the built-in sample data
 * @param out          run directory for logs, plots and checkpoints
 * @param freeze       parameter-name prefixes/ranges kept fixed (e.g. {@code features.0-11}), or null
 * @param backboneLr   learning rate for trainable non-head parameters when fine-tuning, or null for {@code lr}
 * @param maxSteps     stop after this many optimizer updates (0: no limit)
 * @param clipNorm     clip gradients to this global norm (0: off)
 * @param classWeights {@code none}, {@code balanced} or one weight per class, comma-separated
 * @param sampler      {@code uniform} (every image once per epoch) or {@code balanced} (classes drawn evenly)
 * @param bf16         CPU convolutions multiply in bfloat16, activations kept in it ({@code --precision bf16})
 * @param syncBn       in a data-parallel run, batch-norm over all ranks' batches together (SyncBatchNorm)
 * @param cacheMib     MiB of decoded images each of the train and test loaders keeps for the next
 *                     epochs ({@code --cache-limit}; 0: none; null in runs saved before the option)
 */
public record TrainConfig(
        Path data, Path out, int epochs, int batchSize, int accumulationSteps,
        String optimizer, double lr, double momentum, double weightDecay, boolean nesterov,
        String schedule, int warmupSteps, double clipNorm,
        int size, boolean augment, double dropout, long seed, String device, boolean tf32, int workers,
        Path init, boolean resetHead, String freeze, Double backboneLr, Path resume, long maxSteps,
        boolean shuffle, double valSplit, float[] mean, float[] std, boolean strict, String classWeights,
        String sampler, long saveEvery, long maxPixels, boolean syncBn, boolean bf16, Integer cacheMib) {

    /** {@code --cache-limit}'s default: see {@link dev.gargoyle.data.LoaderOptions#DEFAULT_CACHE_BYTES}. */
    public static final int DEFAULT_CACHE_MIB = (int) (LoaderOptions.DEFAULT_CACHE_BYTES >> 20);

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.data = data;
        b.out = out;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.accumulationSteps = accumulationSteps;
        b.optimizer = optimizer;
        b.lr = lr;
        b.momentum = momentum;
        b.weightDecay = weightDecay;
        b.nesterov = nesterov;
        b.schedule = schedule;
        b.warmupSteps = warmupSteps;
        b.clipNorm = clipNorm;
        b.size = size;
        b.augment = augment;
        b.dropout = dropout;
        b.seed = seed;
        b.device = device;
        b.tf32 = tf32;
        b.workers = workers;
        b.init = init;
        b.resetHead = resetHead;
        b.freeze = freeze;
        b.backboneLr = backboneLr;
        b.resume = resume;
        b.maxSteps = maxSteps;
        b.shuffle = shuffle;
        b.valSplit = valSplit;
        b.mean = mean.clone();
        b.std = std.clone();
        b.strict = strict;
        b.classWeights = classWeights;
        b.sampler = sampler;
        b.saveEvery = saveEvery;
        b.syncBn = syncBn;
        b.bf16 = bf16;
        b.cacheMib = cacheMib != null ? cacheMib : DEFAULT_CACHE_MIB;
        b.maxPixels = maxPixels > 0 ? maxPixels : Images.DEFAULT_MAX_PIXELS;   // 0: saved before the option existed
        return b;
    }

    /** Samples per optimizer update: batch size times accumulation steps. */
    public int effectiveBatch() {
        return batchSize * accumulationSteps;
    }

    /** Fluent construction with validation; every setter returns this. */
    public static final class Builder {
        private Path data;
        private Path out = Path.of("runs", java.time.LocalDateTime.now()
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        private int epochs = 20;
        private int batchSize = 64;
        private int accumulationSteps = 1;
        private String optimizer = "adam";
        private double lr = 1e-3;
        private double momentum = 0.9;
        private double weightDecay = 0;
        private boolean nesterov;
        private String schedule = "constant";
        private int warmupSteps;
        private double clipNorm;
        private int size = 64;
        private boolean augment = true;
        private double dropout = 0.25;
        private long seed = 42;
        private String device = "auto";
        private boolean tf32;
        private int workers = Runtime.getRuntime().availableProcessors();
        private Path init;
        private boolean resetHead;
        private String freeze;
        private Double backboneLr;
        private Path resume;
        private long maxSteps;
        private boolean shuffle = true;
        private double valSplit = 0.2;
        private float[] mean = {0.5f, 0.5f, 0.5f};
        private float[] std = {0.5f, 0.5f, 0.5f};
        private boolean strict;
        private String classWeights = "none";
        private String sampler = "uniform";
        private long saveEvery;
        private boolean syncBn;
        private boolean bf16;
        private long maxPixels = Images.DEFAULT_MAX_PIXELS;
        private int cacheMib = DEFAULT_CACHE_MIB;

        public Builder data(Path v) { data = v; return this; }
        public Builder out(Path v) { out = v; return this; }
        public Builder epochs(int v) { epochs = v; return this; }
        public Builder batchSize(int v) { batchSize = v; return this; }
        public Builder accumulationSteps(int v) { accumulationSteps = v; return this; }
        public Builder optimizer(String v) { optimizer = v; return this; }
        public Builder lr(double v) { lr = v; return this; }
        public Builder momentum(double v) { momentum = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder nesterov(boolean v) { nesterov = v; return this; }
        public Builder schedule(String v) { schedule = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder clipNorm(double v) { clipNorm = v; return this; }
        public Builder size(int v) { size = v; return this; }
        public Builder augment(boolean v) { augment = v; return this; }
        public Builder dropout(double v) { dropout = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder device(String v) { device = v; return this; }
        public Builder tf32(boolean v) { tf32 = v; return this; }
        public Builder workers(int v) { workers = v; return this; }
        public Builder init(Path v) { init = v; return this; }
        public Builder resetHead(boolean v) { resetHead = v; return this; }
        public Builder freeze(String v) { freeze = v; return this; }
        public Builder backboneLr(Double v) { backboneLr = v; return this; }
        public Builder resume(Path v) { resume = v; return this; }
        public Builder maxSteps(long v) { maxSteps = v; return this; }
        public Builder shuffle(boolean v) { shuffle = v; return this; }
        public Builder valSplit(double v) { valSplit = v; return this; }
        public Builder mean(float... v) { mean = v.clone(); return this; }
        public Builder std(float... v) { std = v.clone(); return this; }
        public Builder strict(boolean v) { strict = v; return this; }
        public Builder classWeights(String v) { classWeights = v; return this; }
        public Builder sampler(String v) { sampler = v; return this; }
        public Builder saveEvery(long v) { saveEvery = v; return this; }
        public Builder syncBn(boolean v) { syncBn = v; return this; }
        public Builder bf16(boolean v) { bf16 = v; return this; }
        public Builder maxPixels(long v) { maxPixels = v; return this; }
        public Builder cacheMib(int v) { cacheMib = v; return this; }

        /** Checks every value; throws {@link IllegalArgumentException} naming the option and what it must be. */
        public TrainConfig build() {
            positive("--epochs", epochs);
            positive("--batch-size", batchSize);
            positive("--accumulation-steps", accumulationSteps);
            positive("--workers", workers);
            if (!(lr > 0) || Double.isInfinite(lr)) {
                throw bad("--lr", "a positive number", lr);
            }
            if (backboneLr != null && !(backboneLr >= 0)) {
                throw bad("--backbone-lr", "a number >= 0", backboneLr);
            }
            if (momentum < 0 || momentum >= 1) {
                throw bad("--momentum", "in [0, 1)", momentum);
            }
            if (weightDecay < 0) {
                throw bad("--weight-decay", ">= 0", weightDecay);
            }
            if (clipNorm < 0) {
                throw bad("--clip-norm", ">= 0 (0 turns clipping off)", clipNorm);
            }
            if (warmupSteps < 0) {
                throw bad("--warmup-steps", ">= 0", warmupSteps);
            }
            if (cacheMib < 0) {
                throw bad("--cache-limit", "at least 0 (MiB)", cacheMib);
            }
            if (maxPixels < 1) {
                throw bad("--max-pixels", "at least 1", maxPixels);
            }
            if (saveEvery < 0) {
                throw bad("--save-every", ">= 0 (0 saves at the end of each epoch only)", saveEvery);
            }
            if (maxSteps < 0) {
                throw bad("--max-steps", ">= 0 (0 means no limit)", maxSteps);
            }
            if (size < 16 || size % 16 != 0) {
                throw bad("--size", "a positive multiple of 16 (the model pools four times)", size);
            }
            if (dropout < 0 || dropout >= 1) {
                throw bad("--dropout", "in [0, 1)", dropout);
            }
            if (valSplit <= 0 || valSplit >= 1) {
                throw bad("--val-split", "in (0, 1)", valSplit);
            }
            String opt = optimizer.toLowerCase(Locale.ROOT);
            if (!opt.equals("adam") && !opt.equals("adamw") && !opt.equals("sgd")) {
                throw bad("--optimizer", "adam, adamw or sgd", optimizer);
            }
            if (mean.length != 3 || std.length != 3) {
                throw new IllegalArgumentException("--mean and --std take 3 values (R,G,B), got "
                        + Arrays.toString(mean) + " and " + Arrays.toString(std));
            }
            for (float s : std) {
                if (!(s > 0)) {
                    throw bad("--std", "positive values", Arrays.toString(std));
                }
            }
            Schedules.parse(schedule);
            String weights = classWeights == null ? "none" : classWeights.trim().toLowerCase(Locale.ROOT);
            ClassWeights.parse(weights);
            String draw = sampler == null ? "uniform" : sampler.trim().toLowerCase(Locale.ROOT);
            if (!draw.equals("uniform") && !draw.equals("balanced")) {
                throw bad("--sampler", "uniform or balanced", sampler);
            }
            return new TrainConfig(data, out, epochs, batchSize, accumulationSteps, opt, lr, momentum, weightDecay,
                    nesterov, schedule, warmupSteps, clipNorm, size, augment, dropout, seed, device, tf32, workers,
                    init, resetHead, freeze, backboneLr, resume, maxSteps, shuffle, valSplit, mean.clone(),
                    std.clone(), strict, weights, draw, saveEvery, maxPixels, syncBn, bf16, cacheMib);
        }

        private static void positive(String option, long v) {
            if (v < 1) {
                throw bad(option, "at least 1", v);
            }
        }

        private static IllegalArgumentException bad(String option, String expected, Object got) {
            return new IllegalArgumentException(option + " must be " + expected + ", got " + got);
        }
    }
}
