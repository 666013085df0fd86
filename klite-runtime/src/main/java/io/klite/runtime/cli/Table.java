package io.klite.runtime.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows under column headings, as {@code kafka-consumer-groups --describe} prints them: each column as wide as its
 * widest value, columns two spaces apart, no space at the end of a line, {@code -} for a value that is absent (null).
 * Invariant: every row has one value per heading.
 */
final class Table {

    private final List<String> headings;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... headings) {
        this.headings = List.of(headings);
    }

    /** Adds a row; {@code null} shows as {@code -}. */
    Table row(Object... values) {
        if (values.length != headings.size()) {
            throw new IllegalArgumentException("A row of " + values.length + " values for " + headings.size()
                    + " columns " + headings);
        }
        rows.add(Arrays.stream(values).map(value -> value == null ? "-" : String.valueOf(value)).toList());
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The headings and the rows, each line ended by a line break. */
    String render() {
        int[] widths = new int[headings.size()];
        List<List<String>> lines = new ArrayList<>();
        lines.add(headings);
        lines.addAll(rows);
        for (List<String> line : lines) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (List<String> line : lines) {
            StringBuilder row = new StringBuilder();
            for (int i = 0; i < widths.length; i++) {
                row.append(line.get(i));
                if (i < widths.length - 1) {
                    row.append(" ".repeat(widths[i] - line.get(i).length() + 2));
                }
            }
            text.append(row.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }
}
