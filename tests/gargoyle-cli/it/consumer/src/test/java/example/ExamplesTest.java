package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's examples, run as an application would run them (twice, for the AHE one). */
class ExamplesTest {
    @TempDir
    Path dir;

    @Test
    void theCustomCnnLearnsSavesLoadsAndPredicts() {
        double accuracy = CustomCnn.run(dir.resolve("cnn.safetensors"));
        assertTrue(accuracy >= 0.9, "accuracy of the loaded model " + accuracy);
    }

    @Test
    void theAheExampleTrainsAndPredictsAndCanRunTwice() throws Exception {
        Path data = dir.resolve("data");
        for (String part : List.of("train", "test")) {
            for (String klass : List.of("blue", "red")) {
                Path folder = Files.createDirectories(data.resolve(part).resolve(klass));
                for (int i = 0; i < (part.equals("train") ? 12 : 4); i++) {
                    double shade = 120 + 10 * i;
                    Scalar bgr = klass.equals("blue") ? new Scalar(shade, 40, 40, 0) : new Scalar(40, 40, shade, 0);
                    try (Mat image = new Mat(24, 24, org.bytedeco.opencv.global.opencv_core.CV_8UC3, bgr)) {
                        assertTrue(opencv_imgcodecs.imwrite(folder.resolve(i + ".png").toString(), image));
                    }
                }
            }
        }
        Path runs = dir.resolve("runs");
        TrainAhe.main(new String[] {data.toString(), runs.toString(), "2"});
        TrainAhe.main(new String[] {data.toString(), runs.toString(), "1"});
        try (Stream<Path> made = Files.list(runs)) {
            List<Path> folders = made.toList();
            assertEquals(2, folders.size(), "one run folder per run: " + folders);
            for (Path f : folders) {
                assertTrue(Files.isRegularFile(f.resolve("best.safetensors")), f + " has its best weights");
            }
        }
    }
}
