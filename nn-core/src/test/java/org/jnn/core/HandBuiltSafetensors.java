package org.jnn.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A safetensors file put together byte by byte, as another program (PyTorch's
 * {@code safetensors.torch.save_file}, an earlier version of this library) writes it, without going
 * through {@link ModelFile#save}.
 */
final class HandBuiltSafetensors {

    private record Tensor(String name, String dtype, long[] shape, byte[] bytes) {
    }

    private Map<String, String> metadata;
    private final List<Tensor> tensors = new ArrayList<>();
    private boolean dataInReverse;

    /** The {@code __metadata__} object; without a call the header has none. */
    HandBuiltSafetensors metadata(Map<String, String> entries) {
        this.metadata = entries;
        return this;
    }

    /** Adds a tensor whose {@code values} are stored as F64 or F32; any other dtype gets two zero bytes per value. */
    HandBuiltSafetensors tensor(String name, String dtype, long[] shape, double... values) {
        int width = switch (dtype) {
            case "F64" -> 8;
            case "F32" -> 4;
            default -> 2;
        };
        ByteBuffer bytes = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            if (width == 8) {
                bytes.putDouble(v);
            } else if (width == 4) {
                bytes.putFloat((float) v);
            } else {
                bytes.putShort((short) 0);
            }
        }
        tensors.add(new Tensor(name, dtype, shape, bytes.array()));
        return this;
    }

    /** Lays the tensors' bytes out in the reverse of the order the header lists them. */
    HandBuiltSafetensors dataInReverse() {
        this.dataInReverse = true;
        return this;
    }

    byte[] bytes() {
        List<Tensor> layout = new ArrayList<>(tensors);
        if (dataInReverse) {
            Collections.reverse(layout);
        }
        long[][] offsets = new long[tensors.size()][];
        long at = 0;
        for (Tensor t : layout) {
            offsets[tensors.indexOf(t)] = new long[] {at, at + t.bytes().length};
            at += t.bytes().length;
        }
        List<String> entries = new ArrayList<>();
        if (metadata != null) {
            entries.add("\"__metadata__\": {" + metadata.entrySet().stream()
                    .map(e -> quote(e.getKey()) + ": " + quote(e.getValue())).collect(Collectors.joining(", ")) + "}");
        }
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            entries.add(quote(t.name()) + ": {\"dtype\": " + quote(t.dtype()) + ", \"shape\": " + list(t.shape())
                    + ", \"data_offsets\": " + list(offsets[i]) + "}");
        }
        byte[] json = ("{" + String.join(", ", entries) + "}").getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // as safetensors pads, with spaces
        ByteBuffer file = ByteBuffer.allocate((int) (8 + padded + at)).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(padded).put(json);
        for (int i = json.length; i < padded; i++) {
            file.put((byte) ' ');
        }
        for (Tensor t : layout) {
            file.put(t.bytes());
        }
        return file.array();
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String list(long[] numbers) {
        return Arrays.stream(numbers).mapToObj(Long::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
