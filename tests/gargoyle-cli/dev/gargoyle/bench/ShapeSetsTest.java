package dev.gargoyle.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gargoyle.models.AheNet;
import dev.gargoyle.nn.BatchNorm2d;
import dev.gargoyle.nn.Conv2d;
import dev.gargoyle.nn.MaxPool2d;
import dev.gargoyle.nn.Module;
import dev.gargoyle.tensor.Conv2dSpec;
import dev.gargoyle.tensor.Pool2dSpec;
import dev.gargoyle.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The shape sets: AHE's layers as the model has them, the DeepBench subset, and shape files with their errors. */
class ShapeSetsTest {
    @TempDir
    Path dir;

    /** Walks the real AheNet's feature layers, chaining output shapes from the input, and compares every layer. */
    @ParameterizedTest
    @CsvSource({"64, 64", "3, 32", "5, 48"})
    void aheShapesAreTheModelsLayerShapes(int batch, int size) {
        Module features = AheNet.of(AheNet.unnamedClasses(10), size, 0.25).network().children().get("features");
        Map<String, Shape> inputs = new LinkedHashMap<>();
        Map<String, Module> modules = new LinkedHashMap<>();
        Shape shape = Shape.of(batch, 3, size, size);
        for (Map.Entry<String, Module> e : features.children().entrySet()) {
            String name = "features." + e.getKey();
            inputs.put(name, shape);
            modules.put(name, e.getValue());
            shape = e.getValue().outputShape(shape);
        }
        List<BenchLayer> layers = ShapeSets.ahe(batch, size);
        long modelLayers = modules.values().stream()
                .filter(m -> m instanceof Conv2d || m instanceof BatchNorm2d || m instanceof MaxPool2d).count();
        assertEquals(modelLayers, layers.size());
        assertEquals(14, layers.size());
        for (BenchLayer layer : layers) {
            Module m = modules.get(layer.name());
            assertEquals(inputs.get(layer.name()), layer.input(), layer.name());
            assertEquals(m.outputShape(layer.input()), layer.output(), layer.name());
            if (layer instanceof ConvLayer c) {
                Conv2d conv = assertInstanceOf(Conv2d.class, m, layer.name());
                assertEquals(conv.weight().shape(), c.weight(), layer.name());
                assertEquals(Conv2dSpec.of(1, 1), c.spec(), layer.name());
            } else if (layer instanceof PoolLayer p) {
                assertInstanceOf(MaxPool2d.class, m, layer.name());
                assertEquals("MaxPool2d(kernel=2, stride=2, padding=0)", m.toString());
                assertEquals(Pool2dSpec.max(2, 2, 0), p.spec());
            } else {
                BatchNorm2d bn = assertInstanceOf(BatchNorm2d.class, m, layer.name());
                assertEquals(bn.fusesRelu(), ((BatchNormLayer) layer).relu(),
                        layer.name() + " runs its ReLU as the model does");
                assertTrue(bn.fusesRelu(), layer.name());
            }
        }
    }

    @Test
    void aheRefusesSizesTheModelRefuses() {
        assertThrows(IllegalArgumentException.class, () -> ShapeSets.ahe(64, 40));
        assertThrows(IllegalArgumentException.class, () -> ShapeSets.ahe(0, 64));
    }

    /** DeepBench's tuples are (W, H, C, N, K, S, R, pad_w, pad_h, wstride, hstride); outputs worked out by hand. */
    @Test
    void deepbenchSubsetIsWellFormed() {
        List<BenchLayer> layers = ShapeSets.deepbench();
        assertEquals(12, layers.size());
        Set<String> names = new HashSet<>();
        for (BenchLayer l : layers) {
            assertTrue(names.add(l.name()), "duplicate " + l.name());
            ConvLayer c = assertInstanceOf(ConvLayer.class, l);
            assertTrue(c.output().numel() > 0 && c.output().numel() * Float.BYTES < 64L << 20, l.name());
        }
        // (700, 161, 1, 4, 32, 20, 5, 0, 0, 2, 2): P = (161 - 5)/2 + 1 = 79, Q = (700 - 20)/2 + 1 = 341.
        ConvLayer speech = (ConvLayer) layers.get(0);
        assertEquals(Shape.of(4, 1, 161, 700), speech.input());
        assertEquals(Shape.of(32, 1, 5, 20), speech.weight());
        assertEquals(Shape.of(4, 32, 79, 341), speech.output());
        // (224, 224, 3, 16, 64, 7, 7, 3, 3, 2, 2), ResNet's first layer: (224 + 6 - 7)/2 + 1 = 112.
        ConvLayer stem = (ConvLayer) layers.get(6);
        assertEquals(Shape.of(16, 64, 112, 112), stem.output());
        assertEquals(new Conv2dSpec(2, 2, 3, 3, 1, 1, 1), stem.spec());
    }

    @Test
    void readsAShapeFileWithDefaultsAndComments() throws IOException {
        Path f = write("# a comment line\n"
                + "conv name=first n=2 c=3 h=8 w=10 k=4 r=3 s=3 pad=1   # trailing comment\n"
                + "\n"
                + "conv n=1 c=2 h=9 w=9 k=2 r=3 s=1 pad=1x0 stride=2x1\n"
                + "pool name=p n=2 c=4 h=8 w=10 kernel=2\n"
                + "POOL name=a n=1 c=1 h=5 w=5 kernel=3 stride=1 pad=1 mode=avg\n"
                + "bn name=b n=2 c=4 h=8 w=10\n"
                + "bn name=r n=2 c=4 h=8 w=10 relu=yes\n");
        List<BenchLayer> layers = ShapeFile.read(f);
        assertEquals(List.of("first", "conv.4", "p", "a", "b", "r"), layers.stream().map(BenchLayer::name).toList());
        assertEquals("bn", layers.get(4).kind());
        assertEquals("bn+relu", layers.get(5).kind());
        ConvLayer first = (ConvLayer) layers.get(0);
        assertEquals(Conv2dSpec.of(1, 1), first.spec());
        assertEquals(Shape.of(2, 4, 8, 10), first.output());
        ConvLayer second = (ConvLayer) layers.get(1);
        assertEquals(new Conv2dSpec(2, 1, 1, 0, 1, 1, 1), second.spec());
        assertEquals(Shape.of(1, 2, 5, 9), second.output());
        assertEquals(Pool2dSpec.max(2, 2, 0), ((PoolLayer) layers.get(2)).spec());
        assertEquals(Pool2dSpec.avg(3, 1, 1), ((PoolLayer) layers.get(3)).spec());
        assertEquals(Shape.of(2, 4, 8, 10), layers.get(4).input());
        assertEquals(layers, ShapeSets.resolve(f.toString(), 64, 64));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bn n=1 c=1 h=2 w=2\\nlinear n=1                          | 2 | unknown layer kind 'linear'",
        "conv n=1 c=1 h=4 w=4 k=1 r=3                            | 1 | conv needs s=..., it is missing",
        "\\n\\nconv n=1 c=x h=4 w=4 k=1 r=3 s=3                    | 3 | c must be a whole number, got 'x'",
        "pool n=1 c=1 h=4 w=4 kernel=2 size=3                    | 1 | unknown field 'size' for pool",
        "bn n=1 n=2 c=1 h=2 w=2                                  | 1 | field 'n' given twice",
        "bn n=1 c=1 h=2 w                                        | 1 | expected key=value, got 'w'",
        "conv n=1 c=1 h=2 w=2 k=1 r=3 s=3                        | 1 | kernel height 3",
        "conv n=1 c=1 h=4 w=4 k=1 r=1 s=1 pad=-1                 | 1 | padding must be >= 0",
        "pool n=1 c=1 h=4 w=4 kernel=2 mode=median               | 1 | mode must be max or avg",
        "bn name=x n=1 c=1 h=2 w=2\\nbn name=x n=1 c=1 h=2 w=2    | 2 | layer name 'x' is already used on line 1",
        "bn n=0 c=1 h=2 w=2                                      | 1 | n must be at least 1, got 0",
        "bn n=1 c=1 h=2 w=2 relu=maybe                           | 1 | relu must be yes or no, got 'maybe'",
    })
    void fileErrorsNameTheFileAndLine(String content, int line, String message) throws IOException {
        Path f = write(content.replace("\\n", "\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShapeFile.read(f));
        assertTrue(e.getMessage().startsWith(f + ":" + line + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void anEmptyFileOrAnUnknownSetIsRefused() throws IOException {
        Path f = write("# only a comment\n\n");
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> ShapeFile.read(f));
        assertTrue(empty.getMessage().startsWith(f + ": no layers"), empty.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> ShapeSets.resolve("resnet", 64, 64));
        assertTrue(unknown.getMessage().contains("'resnet' is neither ahe, deepbench nor a shape file"),
                unknown.getMessage());
    }

    private Path write(String content) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "shapes", ".txt"), content);
    }
}
