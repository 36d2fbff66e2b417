package dev.gargoyle.viz;

import dev.gargoyle.data.Batch;
import dev.gargoyle.data.BatchLoader;
import dev.gargoyle.data.Epoch;
import dev.gargoyle.data.ImageFolder;
import dev.gargoyle.data.LoaderOptions;
import dev.gargoyle.data.Sample;
import dev.gargoyle.models.AheNet;
import dev.gargoyle.nn.ForwardHook;
import dev.gargoyle.nn.Model;
import dev.gargoyle.nn.Module;
import dev.gargoyle.nn.ReLU;
import dev.gargoyle.tensor.Backend;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import dev.gargoyle.tensor.Tensor;
import dev.gargoyle.train.Seeds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Looks for class-selective units ("is there a gargoyle unit?"): runs a data set through the model
 * and keeps, for every unit (channel) of the probed layers, the top-k images by its activation.
 * A unit's purity is the share of its top-k images that belong to its most frequent class among
 * them; a unit with purity of at least {@value #SELECTIVE} is called selective.
 *
 * <p>A conv unit's activation on an image is the spatial mean of its channel after the layer's
 * batch-norm and ReLU (what the next block receives, on a scale batch-norm makes comparable across
 * channels); a hidden linear unit's is its ReLU output. Images of equal activation (a ReLU unit is
 * often 0 on many) are ranked in a seeded random order of the images, so filling a top-k with them
 * picks no class. A unit whose top-k activations are all equal (typically 0 on every image) is
 * <em>silent</em>: its ranking says nothing, so it is left out of the layer's purity figures.
 */
public final class UnitProbe {
    /** Purity from which a unit counts as class-selective. */
    public static final double SELECTIVE = 0.5;
    private static final long CHANCE_SEED = 0x6368616e6365L;
    private static final long TIE_SEED = 0x74696573L;

    private UnitProbe() {
    }

    /** A layer to probe: a short label for tables ({@code conv1}) and the module whose output is read. */
    public record ProbedLayer(String label, String module) {
    }

    /**
     * @param topK      images kept per unit
     * @param batchSize images per forward pass
     * @param workers   image decoding threads
     */
    public record Options(int topK, int batchSize, int workers) {
        public Options {
            if (topK < 1) {
                throw new IllegalArgumentException("topK must be at least 1, got " + topK);
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            }
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be at least 1, got " + workers);
            }
        }
    }

    /**
     * One unit: its top images (indices into {@link Result#images()}, most active first) with their
     * activations, its most frequent class among them (ties: the lower index), that class's count and
     * the purity {@code count / top.length}; {@code chancePurity} is the same with the labels shuffled.
     */
    public record Unit(ProbedLayer layer, int index, int[] top, float[] topActivations, int majorityClass,
                       int majorityCount, double purity, double chancePurity) {
        /** True when all its top activations are equal: the unit does not rank images (e.g. a dead ReLU). */
        public boolean silent() {
            for (float v : topActivations) {
                if (v != topActivations[0]) {
                    return false;
                }
            }
            return true;
        }

        /** Not silent, and purity at least {@value UnitProbe#SELECTIVE}. */
        public boolean selective() {
            return !silent() && purity >= SELECTIVE;
        }
    }

    /**
     * A layer's units in figures: how many are silent, then over the others the mean and maximum
     * purity, the mean purity with shuffled labels (what purity looks like when units ignore the
     * class), and the selective units per class.
     */
    public record LayerSummary(ProbedLayer layer, int units, int silent, double meanPurity, double maxPurity,
                               double chancePurity, int[] selectiveByClass) {
        public int selective() {
            int n = 0;
            for (int c : selectiveByClass) {
                n += c;
            }
            return n;
        }

        public double selectiveShare() {
            return units == 0 ? 0 : (double) selective() / units;
        }
    }

    /** Everything a probe found; {@code images} are the probed samples, in the order they were read. */
    public record Result(List<String> classes, List<Sample> images, int topK, List<Unit> units,
                         List<LayerSummary> layers) {
        public List<Unit> units(ProbedLayer layer) {
            return units.stream().filter(u -> u.layer().equals(layer)).toList();
        }
    }

    /**
     * The AHE model's probed layers ({@link AheNet#probeLayers()}), checked against {@code model}.
     *
     * @throws IllegalArgumentException when the model does not have the AHE layout
     */
    public static List<ProbedLayer> aheLayers(Model model) {
        List<ProbedLayer> out = new ArrayList<>();
        AheNet.probeLayers().forEach((name, module) -> out.add(new ProbedLayer(name, module)));
        for (ProbedLayer l : out) {
            if (!(model.modules().get(l.module()) instanceof ReLU)) {
                throw new IllegalArgumentException("not an AHE model: expected a ReLU at " + l.module());
            }
        }
        return out;
    }

    /**
     * Probes {@code layers} over every image of {@code parts} (read in order, without augmentation);
     * {@code onImages} gets the size of each batch done.
     */
    public static Result run(Model model, ModelInput input, List<ImageFolder> parts, List<ProbedLayer> layers,
                             Options options, IntConsumer onImages) {
        if (parts.isEmpty() || layers.isEmpty()) {
            throw new IllegalArgumentException("probe: nothing to do (" + parts.size() + " data parts, "
                    + layers.size() + " layers)");
        }
        List<String> classes = parts.get(0).classes();
        Map<String, Shape> shapes = Layers.outputShapes(model);
        int[] tieRank = tieRank(parts.stream().mapToInt(ImageFolder::size).sum());
        List<Recorder> recorders = new ArrayList<>();
        for (ProbedLayer l : layers) {
            model.module(l.module());
            Shape s = shapes.get(l.module());
            if (s == null || (s.rank() != 4 && s.rank() != 2)) {
                throw new IllegalArgumentException("probe: layer " + l.module() + " has output " + s
                        + "; expected [N, C, H, W] or [N, F]");
            }
            recorders.add(new Recorder(s.dim(1), new TopK(s.dim(1), options.topK(), tieRank)));
        }
        List<Sample> images = new ArrayList<>();
        model.eval();
        Hooks hooks = new Hooks();
        try (hooks) {
            for (int i = 0; i < layers.size(); i++) {
                hooks.add(model.module(layers.get(i).module()).addForwardHook(recorders.get(i)));
            }
            for (ImageFolder part : parts) {
                if (!part.classes().equals(classes)) {
                    throw new IllegalArgumentException("probe: data parts have different classes: " + classes
                            + " and " + part.classes());
                }
                int offset = images.size();
                images.addAll(part.samples());
                read(model, input, part, offset, recorders, options, onImages);
            }
        } finally {
            recorders.forEach(Recorder::close);
        }
        int[] labels = images.stream().mapToInt(Sample::label).toArray();
        int[] shuffled = shuffle(labels);
        List<Unit> units = new ArrayList<>();
        List<LayerSummary> summaries = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            List<Unit> layerUnits = new ArrayList<>();
            for (int u = 0; u < recorders.get(i).units; u++) {
                layerUnits.add(unit(layers.get(i), u, recorders.get(i).top, labels, shuffled, classes.size()));
            }
            units.addAll(layerUnits);
            summaries.add(summary(layers.get(i), layerUnits, classes.size()));
        }
        return new Result(classes, List.copyOf(images), options.topK(), units, summaries);
    }

    private static void read(Model model, ModelInput input, ImageFolder part, int offset, List<Recorder> recorders,
                             Options options, IntConsumer onImages) {
        int size = input.size();
        LoaderOptions lo = LoaderOptions.evaluation(options.batchSize(), size).withWorkers(options.workers());
        Backend b = model.backend();
        try (BatchLoader loader = new BatchLoader(part, lo, b::allocateHostBuffer);
             Epoch epoch = loader.epoch(0);
             Tensor x = b.allocate(Shape.of(options.batchSize(), 3, size, size))) {
            while (epoch.hasNext()) {
                try (Batch batch = epoch.next()) {
                    Tensor xb = x.narrow(batch.size());
                    b.imagesToTensor(batch.pixels(), batch.size(), size, size, input.mean(), input.std(), xb);
                    int[] indices = batch.indices();
                    for (int i = 0; i < indices.length; i++) {
                        indices[i] += offset;
                    }
                    recorders.forEach(r -> r.batchImages = indices);
                    model.forward(xb);
                    onImages.accept(batch.size());
                }
            }
        }
    }

    private static Unit unit(ProbedLayer layer, int index, TopK top, int[] labels, int[] shuffled, int classes) {
        TopK.Ranked ranked = top.ranked(index);
        int[] images = ranked.images();
        int[] majority = majority(images, labels, classes);
        int[] chance = majority(images, shuffled, classes);
        double n = Math.max(1, images.length);
        return new Unit(layer, index, images, ranked.values(), majority[0], majority[1], majority[1] / n,
                chance[1] / n);
    }

    /** {class, count} of the most frequent label among {@code images} (ties: the lower class). */
    private static int[] majority(int[] images, int[] labels, int classes) {
        int[] counts = new int[classes];
        for (int i : images) {
            counts[labels[i]]++;
        }
        int best = 0;
        for (int c = 1; c < classes; c++) {
            if (counts[c] > counts[best]) {
                best = c;
            }
        }
        return new int[] {best, counts[best]};
    }

    private static LayerSummary summary(ProbedLayer layer, List<Unit> units, int classes) {
        double sum = 0;
        double max = 0;
        double chance = 0;
        int silent = 0;
        int[] byClass = new int[classes];
        for (Unit u : units) {
            if (u.silent()) {
                silent++;
                continue;
            }
            sum += u.purity();
            max = Math.max(max, u.purity());
            chance += u.chancePurity();
            if (u.selective()) {
                byClass[u.majorityClass()]++;
            }
        }
        int n = Math.max(1, units.size() - silent);
        return new LayerSummary(layer, units.size(), silent, sum / n, max, chance / n, byClass);
    }

    /**
     * The seeded order in which images of equal activation are ranked ({@code rank[image]}, a
     * permutation of {@code 0..n-1}); the same for every layer and every run on the same data.
     */
    static int[] tieRank(int n) {
        return Seeds.permutation(n, TIE_SEED);
    }

    /** The labels in a seeded random order (Fisher-Yates), for the chance level of purity. */
    private static int[] shuffle(int[] labels) {
        int[] order = Seeds.permutation(labels.length, CHANCE_SEED);
        int[] out = new int[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels[order[i]];
        }
        return out;
    }

    /**
     * Reads one layer's output during the forward pass: per image and unit the spatial mean (an
     * average pooling over the whole map, on the device, so only {@code [N, C]} values leave it).
     */
    private static final class Recorder implements ForwardHook, AutoCloseable {
        final int units;
        final TopK top;
        int[] batchImages;
        private Tensor pooled;

        Recorder(int units, TopK top) {
            this.units = units;
            this.top = top;
        }

        @Override
        public void onForward(Module module, Tensor output) {
            Shape s = output.shape();
            int n = s.dim(0);
            float[] values;
            if (s.rank() == 4) {
                Backend b = output.backend();
                if (pooled == null || pooled.shape().dim(0) < n) {
                    close();
                    pooled = b.allocate(Shape.of(n, s.dim(1), 1, 1));
                }
                Pool2dSpec whole = new Pool2dSpec(Pool2dSpec.Kind.AVG, s.dim(2), s.dim(3), s.dim(2), s.dim(3), 0, 0,
                        true);
                Tensor y = pooled.narrow(n);
                b.pool2dForward(output, whole, y, null);
                values = y.toArray();
            } else {
                values = output.toArray();
            }
            for (int i = 0; i < n; i++) {
                for (int u = 0; u < units; u++) {
                    top.offer(u, values[i * units + u], batchImages[i]);
                }
            }
        }

        @Override
        public void close() {
            if (pooled != null) {
                pooled.close();
                pooled = null;
            }
        }
    }
}
