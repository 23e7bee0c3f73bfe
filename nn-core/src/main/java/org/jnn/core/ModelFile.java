package org.jnn.core;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jnn.core.io.AtomicFile;
import org.jnn.core.io.Sha256;

/**
 * Saves and loads networks as <a href="https://github.com/huggingface/safetensors">safetensors</a>
 * files: an 8-byte little-endian header length, a JSON header naming each tensor's dtype, shape and
 * byte range, then the tensors' little-endian bytes. Any safetensors reader (Python's
 * {@code safetensors}, Rust, JavaScript) can open them.
 *
 * <p>Tensors are named as in a PyTorch {@code nn.Sequential} of {@code Linear} and {@code ReLU}
 * modules, so {@code model.load_state_dict(safetensors.torch.load_file(path))} works there: layer
 * {@code l} is {@code "<2l>.weight"} ({@code outputs × inputs}) and {@code "<2l>.bias"}. Weights are
 * stored as F64, so a model moves between backends bit for bit; F32 files are accepted on loading.
 *
 * <p>The header's {@code __metadata__} holds {@value #FORMAT_KEY} = {@value #FORMAT},
 * {@value #LAYER_SIZES_KEY} (e.g. {@code 784,200,200,10}), {@value #CHECKSUM_KEY} with
 * {@value #CHECKSUM_COVERS_KEY} saying in words what it covers, and whatever the caller adds (training
 * settings, accuracy).
 *
 * <p><b>What the checksum protects.</b> {@value #CHECKSUM_KEY} is a SHA-256 over the metadata (all of
 * it but the checksum itself) and every tensor's name, dtype, shape and bytes, in a canonical form
 * independent of JSON spacing and layout. So a flipped bit, a truncated copy, or an edit of the header
 * or the weights (changing {@code test_accuracy} from 0.852 to 0.952, say) is detected and the file
 * refused; so is a file whose checksum was removed. It is not a signature: someone who edits a file
 * on purpose can compute a new checksum (the recipe is public), and nothing here can tell. Check
 * where a model comes from if that matters. In Python the checksum is:
 * <pre>
 * import hashlib, json, struct
 * def jnn_checksum(path):
 *     raw = open(path, 'rb').read()
 *     n = struct.unpack('&lt;Q', raw[:8])[0]
 *     header, data = json.loads(raw[8:8 + n]), raw[8 + n:]
 *     meta = {k: v for k, v in header.pop('__metadata__', {}).items() if k != 'jnn_checksum_sha256'}
 *     h = hashlib.sha256()
 *     u64 = lambda x: h.update(struct.pack('&lt;Q', x))
 *     def field(b): u64(len(b)); h.update(b)
 *     u64(len(meta))
 *     for k in sorted(meta, key=str.encode):
 *         field(k.encode()); field(meta[k].encode())
 *     u64(len(header))
 *     for name in sorted(header, key=str.encode):
 *         t = header[name]; begin, end = t['data_offsets']
 *         field(name.encode()); field(t['dtype'].encode())
 *         u64(len(t['shape'])); [u64(d) for d in t['shape']]
 *         field(data[begin:end])
 *     return h.hexdigest()
 * </pre>
 *
 * <p><b>Other files read.</b> Files of the previous format {@value #LEGACY_FORMAT} are read too; their
 * checksum {@value #LEGACY_CHECKSUM_KEY} covers the tensor bytes only, so their metadata is taken on
 * trust, and {@link SavedModel#notes()} says so. A plain safetensors file as PyTorch writes it for an
 * {@code nn.Sequential} of {@code Linear} and {@code ReLU} ({@code safetensors.torch.save_file(
 * model.state_dict(), path)}, F32 or F64, without this library's metadata) is read as such a network,
 * its layer sizes inferred from the shapes; {@link SavedModel#notes()} holds one line saying what was
 * assumed. Such a file has no checksum to verify.
 *
 * <p>Saving writes a temporary file beside the target and moves it into place ({@link AtomicFile}), so
 * a crash while saving never destroys the previous model; the model gets the permissions of any new
 * file. Loading allocates only in proportion to what the file really holds, whatever its header says.
 */
public final class ModelFile {

    public static final String FORMAT_KEY = "format";
    /** The format this version writes: its checksum covers metadata and tensors. */
    public static final String FORMAT = "jnn-mlp-2";
    /** The format of earlier versions, still read: its checksum covers the tensor bytes only. */
    public static final String LEGACY_FORMAT = "jnn-mlp-1";
    /** A training checkpoint: a model file whose metadata and extra tensors also hold the run's state. */
    public static final String CHECKPOINT_FORMAT = "jnn-checkpoint-1";
    private static final java.util.regex.Pattern LAYER_TENSOR = java.util.regex.Pattern.compile("[0-9]+\\.(weight|bias)");
    public static final String LAYER_SIZES_KEY = "layer_sizes";
    /** The hidden layers' activations, e.g. {@code relu,relu} (see {@link Architecture#activationsText()}). */
    public static final String ACTIVATIONS_KEY = "activations";
    /** The hidden layers' dropout rates in training, e.g. {@code 0.2,0.2}. */
    public static final String DROPOUT_KEY = "dropout";
    public static final String CHECKSUM_KEY = "jnn_checksum_sha256";
    public static final String CHECKSUM_COVERS_KEY = "jnn_checksum_covers";
    /** {@value #LEGACY_FORMAT}'s checksum: SHA-256 of the data section, the bytes after the header. */
    public static final String LEGACY_CHECKSUM_KEY = "data_sha256";

    private static final String CHECKSUM_COVERS = "SHA-256 of the metadata except " + CHECKSUM_KEY
            + " and of every tensor's name, dtype, shape and bytes (see org.jnn.core.ModelFile); not a signature";
    /** Keys only this library writes: a file with any of them is one of its files, possibly damaged. */
    private static final Set<String> RESERVED_KEYS = Set.of(FORMAT_KEY, LAYER_SIZES_KEY, ACTIVATIONS_KEY, DROPOUT_KEY,
            CHECKSUM_KEY, CHECKSUM_COVERS_KEY, LEGACY_CHECKSUM_KEY);
    private static final Set<String> ARCHITECTURE_KEYS = Set.of(ACTIVATIONS_KEY, DROPOUT_KEY);
    private static final int CHUNK_DOUBLES = 1 << 16;

    private ModelFile() {
    }

    /**
     * Writes {@code parameters} and {@code metadata} to {@code file}, atomically, creating its folder
     * if needed.
     *
     * @param metadata extra string pairs (training settings, accuracy); keys of this class's own
     *     entries are reserved, and neither keys nor values may be null
     * @throws IllegalArgumentException if {@code metadata} uses a reserved key or holds a null
     * @throws IOException if the file cannot be written; the previous file, if any, is then unchanged
     */
    public static void save(Path file, Parameters parameters, Map<String, String> metadata) throws IOException {
        for (String key : ARCHITECTURE_KEYS) {
            if (metadata.containsKey(key)) {
                throw new IllegalArgumentException("metadata key '" + key + "' is reserved for the file format;"
                        + " save the Network to record its architecture");
            }
        }
        write(file, FORMAT, parameters, metadata, Map.of());
    }

    /**
     * Writes {@code network}'s parameters and architecture (its activations and dropout rates, so that
     * any backend rebuilds the same network with {@link SavedModel#toNetwork}) and {@code metadata}.
     *
     * @see #save(Path, Parameters, Map)
     */
    public static void save(Path file, Network network, Map<String, String> metadata) throws IOException {
        write(file, FORMAT, network.parameters(), withArchitecture(metadata, network.architecture()), Map.of());
    }

    /** {@code metadata} plus the architecture's entries, which a caller may not set itself. */
    static Map<String, String> withArchitecture(Map<String, String> metadata, Architecture architecture) {
        for (String key : List.of(ACTIVATIONS_KEY, DROPOUT_KEY)) {
            if (metadata.containsKey(key)) {
                throw new IllegalArgumentException("metadata key '" + key + "' is reserved for the file format");
            }
        }
        Map<String, String> all = new TreeMap<>(metadata);
        all.put(ACTIVATIONS_KEY, architecture.activationsText());
        all.put(DROPOUT_KEY, architecture.dropoutText());
        return all;
    }

    /**
     * Writes a file of {@code format} ({@value #FORMAT}, or {@value #CHECKPOINT_FORMAT} with
     * {@code extras}: more F64 tensors, one-dimensional, whose names must not be a layer's).
     */
    static void write(Path file, String format, Parameters parameters, Map<String, String> metadata,
            Map<String, double[]> extras) throws IOException {
        Map<String, String> meta = new TreeMap<>();
        for (Map.Entry<String, String> entry : metadata.entrySet()) {
            if (entry.getKey() == null || entry.getValue() == null) {
                throw new IllegalArgumentException("metadata entry '" + entry.getKey() + "' has a null "
                        + (entry.getKey() == null ? "key" : "value") + "; give a string (perhaps \"\") or leave the entry out");
            }
            if (RESERVED_KEYS.contains(entry.getKey()) && !ARCHITECTURE_KEYS.contains(entry.getKey())) {
                throw new IllegalArgumentException("metadata key '" + entry.getKey() + "' is reserved for the file format");
            }
            meta.put(entry.getKey(), entry.getValue());
        }
        int[] sizes = parameters.layerSizes();
        meta.put(FORMAT_KEY, format);
        meta.put(LAYER_SIZES_KEY, joinSizes(sizes));
        meta.put(CHECKSUM_COVERS_KEY, CHECKSUM_COVERS);

        List<Stored> tensors = new ArrayList<>();
        for (int l = 0; l < parameters.layerCount(); l++) {
            tensors.add(new Stored(tensorName(l, "weight"), new long[] {sizes[l + 1], sizes[l]}, parameters.weightsView(l)));
            tensors.add(new Stored(tensorName(l, "bias"), new long[] {sizes[l + 1]}, parameters.biasesView(l)));
        }
        for (Map.Entry<String, double[]> extra : extras.entrySet()) {
            if (LAYER_TENSOR.matcher(extra.getKey()).matches()) {
                throw new IllegalArgumentException("an extra tensor may not take a layer's name: " + extra.getKey());
            }
            tensors.add(new Stored(extra.getKey(), new long[] {extra.getValue().length}, extra.getValue()));
        }
        ModelChecksum checksum = new ModelChecksum(meta, tensors.size());
        ByteBuffer chunk = ByteBuffer.allocate(8 * CHUNK_DOUBLES).order(ByteOrder.LITTLE_ENDIAN);
        List<Stored> byName = new ArrayList<>(tensors);
        byName.sort(Comparator.comparing(Stored::name, ModelChecksum.BY_UTF8));
        for (Stored t : byName) {
            checksum.tensor(t.name(), "F64", t.shape(), 8L * t.values().length);
            MessageDigest digest = checksum.digest();
            forEachChunk(t.values(), chunk, bytes -> digest.update(bytes.array(), 0, bytes.limit()));
        }
        meta.put(CHECKSUM_KEY, checksum.hex());

        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", meta);
        long offset = 0;
        for (Stored t : tensors) {
            long end = offset + 8L * t.values().length;
            header.put(t.name(), tensorEntry(t.shape(), offset, end));
            offset = end;
        }
        byte[] json = JSON.std.asString(header).getBytes(StandardCharsets.UTF_8);
        // Pad the header with spaces so the tensor data start 8-byte aligned, as the format recommends.
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = Arrays.copyOf(json, padded);
        Arrays.fill(headerBytes, json.length, padded, (byte) ' ');

        Path target = file.toAbsolutePath();
        Files.createDirectories(target.getParent());
        AtomicFile.write(target, out -> {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(headerBytes);
            for (Stored t : tensors) {
                forEachChunk(t.values(), chunk, bytes -> out.write(bytes.array(), 0, bytes.limit()));
            }
        });
    }

    /** A tensor as saved: F64 values, in the order they are laid out in the file. */
    private record Stored(String name, long[] shape, double[] values) {
    }

    /** Something done with each chunk of a tensor's little-endian bytes. */
    private interface ChunkConsumer {
        void accept(ByteBuffer bytes) throws IOException;
    }

    /** Hands {@code values} as little-endian bytes to {@code consumer}, one {@code chunk} at a time. */
    private static void forEachChunk(double[] values, ByteBuffer chunk, ChunkConsumer consumer) throws IOException {
        for (int from = 0; from < values.length; from += CHUNK_DOUBLES) {
            int count = Math.min(CHUNK_DOUBLES, values.length - from);
            chunk.clear();
            chunk.asDoubleBuffer().put(values, from, count);
            chunk.limit(8 * count);
            consumer.accept(chunk);
        }
    }

    /**
     * Reads a model written by {@link #save}, by an earlier version ({@value #LEGACY_FORMAT}), or a
     * plain PyTorch {@code nn.Sequential} of {@code Linear} and {@code ReLU} saved with safetensors; see
     * the class description. Nothing is allocated before the header's claims are checked against the
     * file's real size.
     *
     * @throws ModelFormatException if the file is truncated, corrupt, tampered with or not such a
     *     model; the message names the file and the problem
     * @throws IOException if it cannot be read at all
     */
    public static SavedModel load(Path file) throws IOException {
        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            Map<String, String> metadata = safetensors.metadata();
            String format = metadata.get(FORMAT_KEY);
            if (FORMAT.equals(format) || LEGACY_FORMAT.equals(format) || CHECKPOINT_FORMAT.equals(format)) {
                return loadOwn(safetensors, format, null);
            }
            if (format != null && format.startsWith("jnn-")) {
                throw new ModelFormatException(file, "metadata '" + FORMAT_KEY + "' is " + format + ", a format this"
                        + " version does not know (it reads " + FORMAT + ", " + CHECKPOINT_FORMAT + " and " + LEGACY_FORMAT
                        + "); a newer version wrote it");
            }
            for (String key : RESERVED_KEYS) {
                if (!key.equals(FORMAT_KEY) && metadata.containsKey(key)) {
                    throw new ModelFormatException(file, "the metadata has '" + key + "', which only this library writes,"
                            + " but no '" + FORMAT_KEY + "' " + FORMAT + "; the file is incomplete or was modified");
                }
            }
            return loadTorch(safetensors);
        }
    }

    /**
     * Reads a checkpoint written by {@link #write}: the model, and its extra tensors into {@code extras}.
     *
     * @throws ModelFormatException if it is not an intact checkpoint
     */
    static SavedModel readCheckpoint(Path path, Map<String, double[]> extras) throws IOException {
        try (SafetensorsFile safetensors = SafetensorsFile.open(path)) {
            String format = safetensors.metadata().get(FORMAT_KEY);
            if (!CHECKPOINT_FORMAT.equals(format)) {
                throw new ModelFormatException(path, "metadata '" + FORMAT_KEY + "' is " + format + ", not a training"
                        + " checkpoint (" + CHECKPOINT_FORMAT + ")");
            }
            return loadOwn(safetensors, format, extras);
        }
    }

    /**
     * A file this library wrote: the metadata says the layer sizes, a checksum covers the file. A
     * checkpoint's extra tensors go into {@code extras} when it is given (else they are verified and dropped).
     */
    private static SavedModel loadOwn(SafetensorsFile file, String format, Map<String, double[]> extras) throws IOException {
        boolean current = !LEGACY_FORMAT.equals(format);
        boolean checkpoint = CHECKPOINT_FORMAT.equals(format);
        Map<String, String> metadata = file.metadata();
        String checksumKey = current ? CHECKSUM_KEY : LEGACY_CHECKSUM_KEY;
        String expected = metadata.get(checksumKey);
        if (expected == null) {
            // Every file of these formats has one; without it an edited file would pass unnoticed.
            throw new ModelFormatException(file.file(), "the metadata has no '" + checksumKey + "' checksum, so the"
                    + " file cannot be verified; it is incomplete or was modified");
        }
        int[] sizes = checkedSizes(file, metadata.get(LAYER_SIZES_KEY));
        try {
            Architecture.fromText(sizes, metadata.get(ACTIVATIONS_KEY), metadata.get(DROPOUT_KEY));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file.file(), "the metadata's architecture is not usable: " + e.getMessage());
        }
        int layers = sizes.length - 1;
        List<SafetensorsFile.Tensor> weights = new ArrayList<>();
        List<SafetensorsFile.Tensor> biases = new ArrayList<>();
        String need = "layer sizes " + joinSizes(sizes);
        for (int l = 0; l < layers; l++) {
            weights.add(expect(file, tensorName(l, "weight"), new long[] {sizes[l + 1], sizes[l]}, need));
            biases.add(expect(file, tensorName(l, "bias"), new long[] {sizes[l + 1]}, need));
        }
        List<SafetensorsFile.Tensor> extraTensors = new ArrayList<>();
        for (SafetensorsFile.Tensor t : file.tensors().values()) {
            if (checkpoint && !LAYER_TENSOR.matcher(t.name()).matches()) {
                file.check(t, new long[] {t.shape().length == 1 ? t.shape()[0] : -1}, "a checkpoint's extra tensors");
                extraTensors.add(t);
            }
        }
        if (file.tensors().size() - extraTensors.size() != 2 * layers) {
            throw new ModelFormatException(file.file(), "the header lists " + file.tensors().size() + " tensors but "
                    + need + " need " + 2 * layers);
        }
        file.checkLayout(file.tensors().values());

        Map<String, double[]> values = new TreeMap<>();
        String actual;
        if (current) {
            ModelChecksum checksum = new ModelChecksum(metadata, file.tensors().size());
            List<SafetensorsFile.Tensor> byName = new ArrayList<>(file.tensors().values());
            byName.sort(Comparator.comparing(SafetensorsFile.Tensor::name, ModelChecksum.BY_UTF8));
            for (SafetensorsFile.Tensor t : byName) {
                checksum.tensor(t.name(), t.dtype(), t.shape(), t.end() - t.begin());
                values.put(t.name(), file.read(t, checksum.digest()));
            }
            actual = checksum.hex();
        } else {
            MessageDigest digest = Sha256.newDigest(); // over the data section, tensor after tensor as stored
            List<SafetensorsFile.Tensor> byOffset = new ArrayList<>(file.tensors().values());
            byOffset.sort(Comparator.comparingLong(SafetensorsFile.Tensor::begin));
            for (SafetensorsFile.Tensor t : byOffset) {
                values.put(t.name(), file.read(t, digest));
            }
            actual = Sha256.hex(digest);
        }
        if (!expected.equalsIgnoreCase(actual)) {
            throw new ModelFormatException(file.file(), "the file does not match the checksum in its header ('"
                    + checksumKey + "'): " + (current ? "its metadata or tensors" : "its tensors")
                    + " were changed after it was saved, or it is corrupt");
        }
        if (extras != null) {
            for (SafetensorsFile.Tensor t : extraTensors) {
                extras.put(t.name(), values.get(t.name()));
            }
        }
        List<String> notes = current ? List.of() : List.of("a " + LEGACY_FORMAT + " file: its checksum covers the"
                + " tensors but not the metadata, which is taken on trust; saving it again protects both");
        return new SavedModel(parameters(file, sizes, weights, biases, values), metadata, notes);
    }

    /** A file without this library's metadata: a PyTorch {@code Sequential} of {@code Linear} and {@code ReLU}. */
    private static SavedModel loadTorch(SafetensorsFile file) throws IOException {
        TorchSequential.Layout layout = TorchSequential.read(file);
        int[] sizes = checkedSizes(file, layout.sizes());
        for (int l = 0; l < sizes.length - 1; l++) {
            file.check(layout.weights().get(l), new long[] {sizes[l + 1], sizes[l]}, "the layers");
            file.check(layout.biases().get(l), new long[] {sizes[l + 1]}, "the layers");
        }
        file.checkLayout(file.tensors().values());
        Map<String, double[]> values = new TreeMap<>();
        for (SafetensorsFile.Tensor t : file.tensors().values()) {
            values.put(t.name(), file.read(t, null));
        }
        return new SavedModel(parameters(file, sizes, layout.weights(), layout.biases(), values), file.metadata(),
                List.of(TorchSequential.assumption(layout)));
    }

    private static SafetensorsFile.Tensor expect(SafetensorsFile file, String name, long[] shape, String need)
            throws ModelFormatException {
        SafetensorsFile.Tensor tensor = file.tensors().get(name);
        if (tensor == null) {
            throw new ModelFormatException(file.file(), "tensor '" + name + "' is missing");
        }
        file.check(tensor, shape, need);
        return tensor;
    }

    /** The parameters from the values read, once every value is known to be finite. */
    private static Parameters parameters(SafetensorsFile file, int[] sizes, List<SafetensorsFile.Tensor> weights,
            List<SafetensorsFile.Tensor> biases, Map<String, double[]> values) throws ModelFormatException {
        List<double[]> w = new ArrayList<>();
        List<double[]> b = new ArrayList<>();
        for (int l = 0; l < sizes.length - 1; l++) {
            w.add(finite(file, weights.get(l).name(), values.get(weights.get(l).name())));
            b.add(finite(file, biases.get(l).name(), values.get(biases.get(l).name())));
        }
        return Parameters.adopt(sizes, w, b);
    }

    private static double[] finite(SafetensorsFile file, String name, double[] values) throws ModelFormatException {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new ModelFormatException(file.file(), "tensor '" + name + "' holds " + values[i] + " at element " + i
                        + "; a usable model has only finite weights");
            }
        }
        return values;
    }

    private static int[] checkedSizes(SafetensorsFile file, String text) throws ModelFormatException {
        if (text == null) {
            throw new ModelFormatException(file.file(), "metadata has no '" + LAYER_SIZES_KEY + "'");
        }
        int[] sizes;
        try {
            sizes = Arrays.stream(text.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new ModelFormatException(file.file(), "metadata '" + LAYER_SIZES_KEY + "' is '" + text
                    + "', not a list of whole numbers such as 784,200,10");
        }
        try {
            return Parameters.checkLayerSizes(sizes);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file.file(), "metadata '" + LAYER_SIZES_KEY + "' is '" + text + "': " + e.getMessage());
        }
    }

    private static int[] checkedSizes(SafetensorsFile file, int[] inferred) throws ModelFormatException {
        try {
            return Parameters.checkLayerSizes(inferred);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file.file(), "the tensors' shapes give layer sizes " + joinSizes(inferred)
                    + ": " + e.getMessage());
        }
    }

    private static Map<String, Object> tensorEntry(long[] shape, long begin, long end) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("dtype", "F64");
        entry.put("shape", Arrays.stream(shape).boxed().toList());
        entry.put("data_offsets", List.of(begin, end));
        return entry;
    }

    /** PyTorch's name in {@code Sequential(Linear, ReLU, Linear, ...)}: Linear modules sit at even indices. */
    private static String tensorName(int layer, String kind) {
        return (2 * layer) + "." + kind;
    }

    private static String joinSizes(int[] sizes) {
        return String.join(",", Arrays.stream(sizes).mapToObj(Integer::toString).toList());
    }
}
