package dev.gargoyle.viz;

import dev.gargoyle.data.Sample;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** A probe's findings as text: CSV of every unit, CSV and a markdown table of the layers, and the most selective units. */
public final class ProbeReport {
    /** Top images named per unit in {@code probe.csv}. */
    static final int NAMED_IMAGES = 5;

    private ProbeReport() {
    }

    /**
     * One row per unit: layer, module, unit, purity, majority class, its count, k, chance purity, the
     * mean and the lowest of the top-k activations, and the first top images (paths relative to {@code root}).
     */
    public static String unitsCsv(UnitProbe.Result r, Path root) {
        StringBuilder sb = new StringBuilder("layer,module,unit,silent,purity,class,class_count,top_k,chance_purity,"
                + "top_mean_activation,kth_activation,top_images\n");
        for (UnitProbe.Unit u : r.units()) {
            List<String> named = new ArrayList<>();
            for (int i = 0; i < Math.min(NAMED_IMAGES, u.top().length); i++) {
                named.add(relative(root, r.images().get(u.top()[i])));
            }
            sb.append(String.format(Locale.ROOT, "%s,%s,%d,%b,%.4f,%s,%d,%d,%.4f,%.6g,%.6g,%s%n", u.layer().label(),
                    u.layer().module(), u.index(), u.silent(), u.purity(), csv(r.classes().get(u.majorityClass())),
                    u.majorityCount(), u.top().length, u.chancePurity(), meanTop(u),
                    u.topActivations().length == 0 ? 0 : u.topActivations()[u.topActivations().length - 1],
                    csv(String.join(";", named))));
        }
        return sb.toString();
    }

    /**
     * One row per layer: units, silent units, mean/max/chance purity of the others, selective units
     * and their share of all units, then the selective units of each class.
     */
    public static String layersCsv(UnitProbe.Result r) {
        StringBuilder sb = new StringBuilder("layer,module,units,silent,mean_purity,max_purity,chance_purity,"
                + "selective,selective_share");
        r.classes().forEach(c -> sb.append(',').append(csv(c)));
        sb.append('\n');
        for (UnitProbe.LayerSummary l : r.layers()) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%d,%d,%.4f,%.4f,%.4f,%d,%.4f", l.layer().label(),
                    l.layer().module(), l.units(), l.silent(), l.meanPurity(), l.maxPurity(), l.chancePurity(), l.selective(),
                    l.selectiveShare()));
            for (int c : l.selectiveByClass()) {
                sb.append(',').append(c);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The layer table in markdown: units, silent units, purity of the others (mean, maximum, chance),
     * selective units (and their share of all units), then the selective units per class.
     */
    public static String markdown(UnitProbe.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("| layer | units | silent | mean purity | max purity | chance | units with purity >= ")
                .append(UnitProbe.SELECTIVE).append(" |");
        r.classes().forEach(c -> sb.append(' ').append(c).append(" |"));
        sb.append("\n|---|---:|---:|---:|---:|---:|---:|");
        r.classes().forEach(c -> sb.append("---:|"));
        sb.append('\n');
        for (UnitProbe.LayerSummary l : r.layers()) {
            sb.append(String.format(Locale.ROOT, "| %s (`%s`) | %d | %d | %.3f | %.3f | %.3f | %d (%.1f%%) |",
                    l.layer().label(), l.layer().module(), l.units(), l.silent(), l.meanPurity(), l.maxPurity(),
                    l.chancePurity(), l.selective(), 100 * l.selectiveShare()));
            for (int c : l.selectiveByClass()) {
                sb.append(' ').append(c).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The {@code n} most selective units (silent ones never), ranked by purity, then the deeper layer,
     * then the higher mean top activation; the best unit of each class comes first, so the classes
     * that have a selective unit are all shown before any class is shown twice.
     */
    public static List<UnitProbe.Unit> mostSelective(UnitProbe.Result r, int n) {
        List<UnitProbe.ProbedLayer> order = r.layers().stream().map(UnitProbe.LayerSummary::layer).toList();
        Comparator<UnitProbe.Unit> byPurity = Comparator.comparingDouble(UnitProbe.Unit::purity);
        Comparator<UnitProbe.Unit> byDepth = Comparator.comparingInt(u -> order.indexOf(u.layer()));
        Comparator<UnitProbe.Unit> byStrength = Comparator.comparingDouble(ProbeReport::meanTop);
        Comparator<UnitProbe.Unit> rank = byPurity.thenComparing(byDepth).thenComparing(byStrength).reversed();
        List<UnitProbe.Unit> ranked = r.units().stream().filter(u -> !u.silent()).sorted(rank).toList();
        List<UnitProbe.Unit> picked = new ArrayList<>();
        boolean[] shown = new boolean[r.classes().size()];
        for (UnitProbe.Unit u : ranked) {
            if (picked.size() < n && !shown[u.majorityClass()]) {
                shown[u.majorityClass()] = true;
                picked.add(u);
            }
        }
        for (UnitProbe.Unit u : ranked) {
            if (picked.size() < n && !picked.contains(u)) {
                picked.add(u);
            }
        }
        picked.sort(rank);
        return picked;
    }

    private static double meanTop(UnitProbe.Unit u) {
        double s = 0;
        for (float v : u.topActivations()) {
            s += v;
        }
        return s / Math.max(1, u.topActivations().length);
    }

    private static String relative(Path root, Sample s) {
        Path p = s.path();
        try {
            return root.toAbsolutePath().normalize().relativize(p.toAbsolutePath().normalize()).toString();
        } catch (IllegalArgumentException e) {
            return p.toString();
        }
    }

    private static String csv(String v) {
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }
}
