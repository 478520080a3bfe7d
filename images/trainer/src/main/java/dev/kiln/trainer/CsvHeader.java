package dev.kiln.trainer;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A CSV header line: its columns, which one is the label (the named one, else the last) and the
 * feature names in CSV order. It also splits data rows by it, naming the line and column of a field
 * that does not fit.
 */
record CsvHeader(String source, List<String> columns, int labelIndex, List<String> featureNames) {

  static CsvHeader read(String source, BufferedReader reader, String labelColumn)
      throws IOException {
    String header = reader.readLine();
    if (header != null && header.startsWith("\uFEFF")) {
      header = header.substring(1);
    }
    if (header == null || header.isBlank()) {
      throw new TrainerException(source + " is empty: expected a header line and data rows");
    }
    String[] columns = split(header);
    if (columns.length < 2) {
      throw new TrainerException(
          source + ": header has " + columns.length + " column(s); need features and a label");
    }
    int labelIndex = labelIndex(source, columns, labelColumn);
    List<String> featureNames = new ArrayList<>();
    for (int i = 0; i < columns.length; i++) {
      if (columns[i].isEmpty()) {
        throw new TrainerException(source + ": header column " + (i + 1) + " has no name");
      }
      if (i != labelIndex) {
        if (featureNames.contains(columns[i])) {
          throw new TrainerException(source + ": duplicate column '" + columns[i] + "'");
        }
        featureNames.add(columns[i]);
      }
    }
    return new CsvHeader(source, List.of(columns), labelIndex, List.copyOf(featureNames));
  }

  String labelName() {
    return columns.get(labelIndex);
  }

  /** A data line's fields, checked to be as many as the header's columns. */
  String[] fields(String line, int lineNo) {
    String[] fields = split(line);
    if (fields.length != columns.size()) {
      throw new TrainerException(
          source
              + " line "
              + lineNo
              + ": "
              + fields.length
              + " fields, header has "
              + columns.size());
    }
    return fields;
  }

  /** The feature values of a row's fields, each a finite number. */
  double[] features(String[] fields, int lineNo) {
    double[] row = new double[columns.size() - 1];
    int f = 0;
    for (int i = 0; i < fields.length; i++) {
      if (i != labelIndex) {
        row[f++] = number(fields[i], lineNo, columns.get(i));
      }
    }
    return row;
  }

  /** The label of a row's fields, never empty. */
  String label(String[] fields, int lineNo) {
    String label = fields[labelIndex];
    if (label.isEmpty()) {
      throw new TrainerException(source + " line " + lineNo + ": empty label");
    }
    return label;
  }

  private double number(String field, int lineNo, String column) {
    double value;
    try {
      value = Double.parseDouble(field);
    } catch (NumberFormatException e) {
      value = Double.NaN;
    }
    if (!Double.isFinite(value)) {
      throw new TrainerException(
          source
              + " line "
              + lineNo
              + ", column "
              + column
              + ": '"
              + field
              + "' is not a finite number");
    }
    return value;
  }

  private static int labelIndex(String source, String[] columns, String labelColumn) {
    if (labelColumn == null || labelColumn.isBlank()) {
      return columns.length - 1;
    }
    int index = Arrays.asList(columns).indexOf(labelColumn);
    if (index < 0) {
      throw new TrainerException(
          source
              + ": label column '"
              + labelColumn
              + "' not in header "
              + String.join(",", columns));
    }
    return index;
  }

  /** Plain comma-separated fields, trimmed; no quoting. */
  private static String[] split(String line) {
    String[] fields = line.split(",", -1);
    for (int i = 0; i < fields.length; i++) {
      fields[i] = fields[i].trim();
    }
    return fields;
  }
}
