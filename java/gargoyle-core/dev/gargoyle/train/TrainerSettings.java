package dev.gargoyle.train;

import dev.gargoyle.dist.Communicator;
import dev.gargoyle.nn.CrossEntropyLoss;
import dev.gargoyle.nn.Model;
import dev.gargoyle.optim.OptimizerConfig;
import dev.gargoyle.optim.Schedule;
import dev.gargoyle.tensor.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Everything a {@link Trainer} was built with; {@link #validate()} names the setting that is wrong. */
record TrainerSettings(Model model, DataSource trainData, DataSource testData, CrossEntropyLoss loss,
                       OptimizerConfig optimizer, ToDoubleFunction<String> lrScale, double learningRate,
                       Schedule schedule, int warmupSteps, double clipNorm, int epochs, int batchSize,
                       int accumulationSteps, Sampler sampler, long seed, long maxSteps, long checkpointEvery,
                       Path runDir, boolean resume,
                       Map<String, String> modelMetadata, Map<String, ?> description, Communicator communicator,
                       boolean syncBatchNorm) {

    RunShape runShape() {
        return new RunShape(batchSize, accumulationSteps, sampler.toString(), seed, loss.toString(),
                communicator == null ? 1 : communicator.size());
    }

    /**
     * What must be equal on every rank of a data-parallel run, as numbers: it decides how many
     * micro-batches, updates, evaluations and saves there are, and so which collectives run.
     */
    Map<String, Double> collectiveShape() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("training samples", (double) trainData.size());
        m.put("test samples", testData == null ? 0.0 : testData.size());
        m.put("class names (hash)", (double) trainData.classes().hashCode());
        m.put("parameters", (double) model.flatParameters().numel());
        m.put("batch size", (double) batchSize);
        m.put("accumulation steps", (double) accumulationSteps);
        m.put("epochs", (double) epochs);
        m.put("max steps", (double) maxSteps);
        m.put("checkpoint every", (double) checkpointEvery);
        m.put("run directory given", runDir == null ? 0.0 : 1.0);
        m.put("resume", resume ? 1.0 : 0.0);
        m.put("sync batch-norm", syncBatchNorm ? 1.0 : 0.0);
        m.put("seed", (double) seed);
        m.put("sampler (hash)", (double) sampler.toString().hashCode());
        return m;
    }

    /** The input tensor of one micro-batch: {@code [batchSize, sample shape...]}. */
    Shape batchShape() {
        int[] sample = trainData.sampleShape().dims();
        int[] dims = new int[sample.length + 1];
        dims[0] = batchSize;
        System.arraycopy(sample, 0, dims, 1, sample.length);
        return Shape.of(dims);
    }

    void validate() {
        atLeast("epochs", epochs, 1);
        atLeast("batchSize", batchSize, 1);
        atLeast("accumulationSteps", accumulationSteps, 1);
        atLeast("warmupSteps", warmupSteps, 0);
        atLeast("maxSteps", maxSteps, 0);
        atLeast("checkpointEvery", checkpointEvery, 0);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("Trainer: learningRate must be a positive number, got " + learningRate);
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("Trainer: clipNorm must be >= 0 (0 turns clipping off), got "
                    + clipNorm);
        }
        for (Object[] required : new Object[][] {{"loss", loss}, {"optimizer", optimizer}, {"schedule", schedule},
            {"learningRateScale", lrScale}}) {
            if (required[1] == null) {
                throw new IllegalArgumentException("Trainer: " + required[0] + " must not be null");
            }
        }
        if (resume && runDir == null) {
            throw new IllegalArgumentException("Trainer: resume needs the runDirectory of the run to continue");
        }
        if (trainData.size() < 1) {
            throw new IllegalArgumentException("Trainer: the training data has no samples");
        }
        int classes = trainData.classes().size();
        Shape out = model.root().outputShape(batchShape().withDim(0, 1));
        if (out.rank() != 2 || out.dim(1) != classes) {
            throw new IllegalArgumentException("Trainer: the model's output " + out + " for one sample "
                    + trainData.sampleShape() + " does not fit the data's " + classes + " classes (expected [1, "
                    + classes + "])");
        }
        if (!model.inputShape().equals(trainData.sampleShape())) {
            throw new IllegalArgumentException("Trainer: the model takes samples of shape " + model.inputShape()
                    + ", the training data has " + trainData.sampleShape());
        }
        if (testData != null && testData.size() < 1) {
            throw new IllegalArgumentException("Trainer: the test data has no samples (leave testData out for none)");
        }
        if (testData != null && (!testData.classes().equals(trainData.classes())
                || !testData.sampleShape().equals(trainData.sampleShape()))) {
            throw new IllegalArgumentException("Trainer: the test data (classes " + testData.classes() + ", samples "
                    + testData.sampleShape() + ") differs from the training data (classes " + trainData.classes()
                    + ", samples " + trainData.sampleShape() + ")");
        }
        float[] weights = loss.classWeights();
        if (weights != null && weights.length != classes) {
            throw new IllegalArgumentException("Trainer: the loss has " + weights.length + " class weights for "
                    + classes + " classes");
        }
    }

    private static void atLeast(String setting, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException("Trainer: " + setting + " must be at least " + min + ", got " + value);
        }
    }
}
