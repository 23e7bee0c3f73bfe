package org.jnn.mnist;

import java.util.ArrayList;
import java.util.List;

/** Keeps everything a fetch reported, for the tests to check. */
final class RecordingProgress implements FetchProgress {

    final List<String> notes = new ArrayList<>();
    final List<String> tasks = new ArrayList<>();
    final List<Long> totals = new ArrayList<>();
    final List<Long> updates = new ArrayList<>();
    int ends;
    private boolean open;

    @Override
    public void note(String message) {
        notes.add(message);
    }

    @Override
    public void start(String task, long total) {
        if (open) {
            throw new AssertionError("task '" + task + "' started before the last one ended");
        }
        open = true;
        tasks.add(task);
        totals.add(total);
    }

    @Override
    public void update(long done) {
        if (!open) {
            throw new AssertionError("update " + done + " outside a task");
        }
        updates.add(done);
    }

    @Override
    public void end() {
        if (!open) {
            throw new AssertionError("end without a task");
        }
        open = false;
        ends++;
    }
}
