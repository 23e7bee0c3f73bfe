package org.jnn.mnist;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * No source could provide a data set. A checked {@link IOException}, like every other failure to load
 * data, so one {@code catch (IOException e)} covers them all. The message lists each source tried with
 * its error and tells how to place the files by hand.
 */
public class DatasetUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    private final DatasetKind kind;
    private final transient Path folder;
    private final List<String> attempts;

    /**
     * @param kind the data set
     * @param folder where its files belong
     * @param missing the files still missing or bad
     * @param attempts one line per source tried: its description and its error
     */
    public DatasetUnavailableException(DatasetKind kind, Path folder, List<DatasetKind.FileSpec> missing,
            List<String> attempts) {
        super(message(kind, folder, missing, attempts));
        this.kind = kind;
        this.folder = folder;
        this.attempts = List.copyOf(attempts);
    }

    /** The data set that could not be obtained. */
    public DatasetKind kind() {
        return kind;
    }

    /** The folder the files belong in. */
    public Path folder() {
        return folder;
    }

    /** One line per source tried: its description and its error. */
    public List<String> attempts() {
        return attempts;
    }

    private static String message(DatasetKind kind, Path folder, List<DatasetKind.FileSpec> missing,
            List<String> attempts) {
        StringBuilder text = new StringBuilder();
        text.append(kind.displayName()).append(" is not available in ").append(folder).append(": no source could provide ")
                .append(String.join(", ", missing.stream().map(DatasetKind.FileSpec::name).toList())).append('.');
        text.append("\nTried:");
        if (attempts.isEmpty()) {
            text.append(" no sources.");
        }
        for (int i = 0; i < attempts.size(); i++) {
            text.append("\n  ").append(i + 1).append(". ").append(attempts.get(i));
        }
        text.append("\nTo place the files by hand, put these four files (raw IDX, or gzip-compressed with a .gz")
                .append(" suffix) in ").append(folder).append(':');
        for (DatasetKind.FileSpec spec : kind.files()) {
            text.append(String.format("%n  %-24s %,11d bytes  SHA-256 %s", spec.name(), spec.size(), spec.sha256()));
        }
        text.append("\nThey are in ").append(kind.whereToGet()).append('.');
        text.append("\nTo use another data folder, pass it explicitly, set -D").append(DataDirectory.PROPERTY)
                .append("=DIR or ").append(DataDirectory.ENVIRONMENT).append("=DIR (the files then go in DIR/")
                .append(kind.id()).append(").");
        return text.toString();
    }
}
