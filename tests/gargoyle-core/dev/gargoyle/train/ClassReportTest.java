package dev.gargoyle.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClassReportTest {
    @Test
    void formatsOneLinePerClassThenMacroAndAccuracy() {
        Metrics metrics = new Metrics(4);
        metrics.addBatch(0.5, new int[] {0, 0, 1, 3, 1, 1, 0, 1, 3}, new int[] {0, 0, 0, 0, 1, 1, 1, 2, 2});
        String table = ClassReport.format(metrics.summary(), List.of("cat", "dog", "hedgehog", "owl"));
        String expected = String.join("\n",
                "class      precision     recall         f1  support",
                "cat           0.6667     0.5000     0.5714        4",
                "dog           0.5000     0.6667     0.5714        3",
                "hedgehog      0.0000     0.0000     0.0000        2",
                "owl           0.0000     0.0000     0.0000        0",
                "macro avg     0.2917     0.2917     0.2857        9",
                "accuracy                            0.4444        9");
        assertEquals(expected, table);
    }

    @Test
    void rejectsAWrongNumberOfNames() {
        Metrics metrics = new Metrics(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassReport.format(metrics.summary(), List.of("a")));
        assertEquals("class report: 1 class names for 2 classes", e.getMessage());
    }
}
