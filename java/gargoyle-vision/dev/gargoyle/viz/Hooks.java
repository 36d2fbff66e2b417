package dev.gargoyle.viz;

import dev.gargoyle.nn.HookHandle;
import java.util.ArrayList;
import java.util.List;

/** The handles of hooks registered for one job, removed together. */
final class Hooks implements AutoCloseable {
    private final List<HookHandle> handles = new ArrayList<>();

    Hooks add(HookHandle handle) {
        handles.add(handle);
        return this;
    }

    @Override
    public void close() {
        handles.forEach(HookHandle::close);
        handles.clear();
    }
}
