package dev.gargoyle.cpu;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plans by key, least recently used first out: tests and odd batch sizes create thousands of
 * shapes, so the cache is bounded and closes what it evicts.
 */
final class PlanCache implements Resource {
    /** An immutable description of a plan (a record) that can build it. */
    interface Key<T extends Resource> {
        T build(DnnlContext ctx);
    }

    private final DnnlContext ctx;
    private final int capacity;
    private final LinkedHashMap<Key<?>, Resource> plans = new LinkedHashMap<>(64, 0.75f, true);

    PlanCache(DnnlContext ctx, int capacity) {
        this.ctx = ctx;
        this.capacity = capacity;
    }

    @SuppressWarnings("unchecked") // each key type builds exactly one plan type
    <T extends Resource> T get(Key<T> key) {
        Resource plan = plans.get(key);
        if (plan == null) {
            plan = key.build(ctx);
            plans.put(key, plan);
            evictOverCapacity();
        }
        return (T) plan;
    }

    int size() {
        return plans.size();
    }

    private void evictOverCapacity() {
        Iterator<Map.Entry<Key<?>, Resource>> it = plans.entrySet().iterator();
        while (plans.size() > capacity && it.hasNext()) {
            Resource eldest = it.next().getValue();
            it.remove();
            eldest.close();
        }
    }

    @Override
    public void close() {
        for (Resource plan : plans.values()) {
            plan.close();
        }
        plans.clear();
    }
}
