package dev.gargoyle.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A plain-text table with columns padded to their widest cell, numbers right-aligned; columns that
 * are empty in every row are left out (e.g. cuDNN's workspace and math type on the CPU).
 */
final class TextTable {
    private final List<String> headers;
    private final Set<Integer> rightAligned;
    private final List<List<String>> rows = new ArrayList<>();

    TextTable(List<String> headers, Set<Integer> rightAligned) {
        this.headers = List.copyOf(headers);
        this.rightAligned = Set.copyOf(rightAligned);
    }

    TextTable add(List<String> cells) {
        if (cells.size() != headers.size()) {
            throw new IllegalArgumentException("table row has " + cells.size() + " cells, expected " + headers.size());
        }
        rows.add(List.copyOf(cells));
        return this;
    }

    String render() {
        int columns = headers.size();
        int[] width = new int[columns];
        boolean[] used = new boolean[columns];
        for (int c = 0; c < columns; c++) {
            width[c] = headers.get(c).length();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], row.get(c).length());
                used[c] |= !row.get(c).isEmpty();
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, headers, width, used);
        for (List<String> row : rows) {
            line(out, row, width, used);
        }
        return out.toString();
    }

    private void line(StringBuilder out, List<String> cells, int[] width, boolean[] used) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            if (!used[c]) {
                continue;
            }
            if (line.length() > 0) {
                line.append("  ");
            }
            String cell = cells.get(c);
            String pad = " ".repeat(width[c] - cell.length());
            line.append(rightAligned.contains(c) ? pad + cell : cell + pad);
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
