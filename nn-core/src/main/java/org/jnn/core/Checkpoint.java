package org.jnn.core;

import java.nio.file.Path;

/** WIP: the state of a training run after an epoch; serialisation follows once ModelFile's safetensors layer is shared. */
final class Checkpoint {

    private final TrainingLoop loop;

    private Checkpoint(TrainingLoop loop) {
        this.loop = loop;
    }

    static Checkpoint of(TrainingLoop loop) {
        return new Checkpoint(loop);
    }

    void write(Path directory) {
        throw new UnsupportedOperationException("checkpoints are not written yet (" + directory + ", epoch "
                + loop.epochsDone() + ")");
    }

    void restoreInto(TrainingLoop target) {
        throw new UnsupportedOperationException("resuming is not implemented yet");
    }
}
