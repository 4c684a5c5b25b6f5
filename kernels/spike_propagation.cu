/* spike_propagation.cu: the spike ring of a population and spike propagation along synapses.
 *
 * Spike ring (for delayed transmission): the ranks of the neurons that spiked in the last
 * `depth` steps. ring_ranks is int[depth * size] (row r: ring_ranks[r * size .. r * size + size)),
 * ring_counts is int[depth]; the spikes of step s are row s mod depth, its first
 * ring_counts[s mod depth] entries. depth must exceed the longest delay in steps.
 *
 * Synapses are stored by presynaptic neuron (CSR-like): the synapses of neuron `pre` are
 * k in [row_start[pre], row_start[pre] + row_length[pre]), with postsynaptic neuron post_index[k]
 * and weight w[k] (a row may name the same post neuron several times). Propagation adds the
 * weights of the spiking neurons' synapses to the conductances g (ann_real[number of post
 * neurons]) with atomic additions, since two spikes (or two synapses of one row) may reach the
 * same post neuron. One block takes one spike at a time (ANN_FOR_BLOCKS), its threads the
 * spike's synapses (ANN_FOR_THREADS); g is only written, never read, so the order of the
 * additions is the only difference between grids (and with the CPU build).
 *
 * `step` is the device clock (long long[1], advanced by advance_clock), only read here.
 */

/* g[post_index[k]] += w[k * w_step] for every synapse k of each of the count ranks (w_step 0:
 * one weight for all). One block per spike, its threads over the spike's synapses. */
ANN_DEVICE void ann_propagate_ranks(int count, const int* ranks, const int* row_start, const int* row_length,
                                    const int* post_index, const ann_real* w, int w_step, ann_real* g) {
    ANN_FOR_BLOCKS(s, count) {
        const int pre = ranks[s];
        const long long start = row_start[pre];
        ANN_FOR_THREADS(j, row_length[pre]) {
            const long long k = start + j;
            ann_atomic_add(&g[post_index[k]], w[k * w_step]);
        }
    }
}

/* Records this step's spikes: copies the n_spikes[0] ranks of spikes (int[size]) into row
 * step mod depth of ring_ranks and n_spikes[0] into ring_counts of that row (also 0, which
 * clears the row written depth steps ago). A count above size, which a population cannot
 * produce, is clamped to size. Thread of element 0 writes the count, element j copies rank j. */
ANN_KERNEL void spike_ring_push(const long long* step, int depth, int size, const int* n_spikes,
                                const int* spikes, int* ring_ranks, int* ring_counts) {
    const long long row = ann_ring_row(step[0], depth);
    int count = n_spikes[0];
    if (count > size) count = size;
    if (count < 0) count = 0;
    ANN_FOR_EACH(i, 1) {
        ring_counts[row] = count;
    }
    int* ranks = ring_ranks + row * (long long)size;
    ANN_FOR_EACH(j, count) {
        ranks[j] = spikes[j];
    }
}

/* Delivers the spikes emitted `back` steps ago (0 <= back < depth): for each rank pre of row
 * (step - back) mod depth of the ring, g[post_index[k]] += w[k] for every synapse k of pre.
 * Block b takes the ring's spikes b, b + gridDim, ...; its threads split each spike's synapses.
 * size is the presynaptic population's size (the ring's row length). */
ANN_KERNEL void propagate_spikes(const long long* step, int depth, int back, const int* ring_ranks,
                                 const int* ring_counts, int size, const int* row_start,
                                 const int* row_length, const int* post_index, const ann_real* w,
                                 ann_real* g) {
    const long long row = ann_ring_row(step[0] - (long long)back, depth);
    const int count = ring_counts[row];
    const int* ranks = ring_ranks + row * (long long)size;
    ann_propagate_ranks(count, ranks, row_start, row_length, post_index, w, 1, g);
}

/* Delivers this step's spikes without delay: the n_spikes[0] ranks of spikes (int[n_spikes[0]]),
 * g[post_index[k]] += w[k] for every synapse k of each. One block per spike, threads over its
 * synapses, as propagate_spikes. */
ANN_KERNEL void propagate_spikes_direct(const int* n_spikes, const int* spikes, const int* row_start,
                                        const int* row_length, const int* post_index, const ann_real* w,
                                        ann_real* g) {
    const int count = n_spikes[0];
    ann_propagate_ranks(count, spikes, row_start, row_length, post_index, w, 1, g);
}

/* As propagate_spikes_direct with one weight shared by all synapses: g[post_index[k]] +=
 * w_scalar[0] (w_scalar: ann_real[1], a device value so that it may change between steps). */
ANN_KERNEL void propagate_spikes_scalar(const int* n_spikes, const int* spikes, const int* row_start,
                                        const int* row_length, const int* post_index,
                                        const ann_real* w_scalar, ann_real* g) {
    ann_propagate_ranks(n_spikes[0], spikes, row_start, row_length, post_index, w_scalar, 0, g);
}
