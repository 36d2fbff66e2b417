package dev.gargoyle.train;

import java.util.List;
import java.util.Locale;

/**
 * Formats a {@link MetricsSummary} as a per-class table in the manner of scikit-learn's
 * {@code classification_report}: one line per class with precision, recall, F1 and support, then the
 * macro average and the accuracy.
 */
public final class ClassReport {
    private ClassReport() {
    }

    /** The table, lines separated by '\n', no trailing newline; {@code classNames} index by class. */
    public static String format(MetricsSummary summary, List<String> classNames) {
        int k = summary.numClasses();
        if (classNames.size() != k) {
            throw new IllegalArgumentException("class report: " + classNames.size() + " class names for " + k
                    + " classes");
        }
        int nameWidth = "macro avg".length();
        for (String name : classNames) {
            nameWidth = Math.max(nameWidth, name.length());
        }
        long total = 0;
        for (long s : summary.support()) {
            total += s;
        }
        int supportWidth = Math.max("support".length(), Long.toString(total).length());
        String row = "%-" + nameWidth + "s  %9s  %9s  %9s  %" + supportWidth + "s";
        String numbers = "%-" + nameWidth + "s  %9.4f  %9.4f  %9.4f  %" + supportWidth + "d";

        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, row, "class", "precision", "recall", "f1",
                "support"));
        for (int c = 0; c < k; c++) {
            out.append('\n').append(String.format(Locale.ROOT, numbers, classNames.get(c),
                    summary.classPrecision()[c], summary.classRecall()[c], summary.classF1()[c],
                    summary.support()[c]));
        }
        out.append('\n').append(String.format(Locale.ROOT, numbers, "macro avg", summary.precision(),
                summary.recall(), summary.f1(), total));
        out.append('\n').append(String.format(Locale.ROOT, row, "accuracy", "", "",
                String.format(Locale.ROOT, "%.4f", summary.accuracy()), total));
        return out.toString();
    }
}
