/* delay_ring.cu: past values of a rate-coded population's variable, for delayed projections.
 *
 * buffer is ann_real[depth * size]: row r is buffer[r * size .. r * size + size), and the values
 * of step s are row s mod depth. depth must exceed the longest delay in steps. `step` is the
 * device clock (long long[1], advanced by advance_clock), only read here.
 */

/* Records this step's values: row step mod depth of buffer = source (ann_real[size]); the thread
 * of element i copies element i. */
ANN_KERNEL void delay_push(const long long* step, int depth, int size, const ann_real* source,
                           ann_real* buffer) {
    ann_real* row = buffer + ann_ring_row(step[0], depth) * (long long)size;
    ANN_FOR_EACH(i, size) {
        row[i] = source[i];
    }
}

/* Reads delayed values: out[k] = buffer[((step - back[k]) mod depth) * size + pre[k]] for
 * k < n, i.e. the value of neuron pre[k] back[k] steps ago (0 <= back[k] < depth). back, pre
 * are int[n], out is ann_real[n]; the thread of element k computes out[k]. */
ANN_KERNEL void delay_gather(const long long* step, int depth, int size, long long n, const int* back,
                             const int* pre, const ann_real* buffer, ann_real* out) {
    const long long s = step[0];
    ANN_FOR_EACH(k, n) {
        out[k] = buffer[ann_ring_row(s - (long long)back[k], depth) * (long long)size + pre[k]];
    }
}
