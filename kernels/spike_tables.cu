/* spike_tables.cu: spike delivery through the padded tables of a delay group.
 *
 * The synapses of each presynaptic neuron that emits spikes are one row of two tables of
 * `width` columns: w_rows (weights, 0 as padding) and, unless every row reaches the whole
 * conductance array in order, post_table (postsynaptic rank of each entry, 0 as padding,
 * where adding the padding's 0 weight changes nothing). row_of maps a presynaptic rank to
 * its row.
 *
 * The module text defines the index types before this file: RANK_T (type of the spike
 * ranks), ROW_T (row_of's) and POST_T (post_table's), e.g. `#define RANK_T long long`.
 *
 * One block per spike, its threads over the row's entries; conductances are added
 * atomically (two spikes may reach the same neuron). On the CPU build, spikes and entries
 * are added in order, as the CPU's compiled delivery does.
 */

/* g[post_table[row, j]] += w_rows[row, j] for the row of each of the n_ranks ranks */
ANN_KERNEL void deliver_table(int n_ranks, const RANK_T* ranks, const ROW_T* row_of, int width,
                              const POST_T* post_table, const ann_real* w_rows, ann_real* g)
{
    ANN_FOR_BLOCKS(s, n_ranks) {
        const long long row = (long long)row_of[ranks[s]];
        ANN_FOR_THREADS(j, width) {
            const ann_real w = w_rows[row * width + j];
            if (w != (ann_real)0) ann_atomic_add(&g[post_table[row * width + j]], w);  /* padding: 0 */
        }
    }
}

/* g[j] += w_rows[row, j] for j < width (= the size of g) and the row of each rank */
ANN_KERNEL void deliver_full(int n_ranks, const RANK_T* ranks, const ROW_T* row_of, int width,
                             const ann_real* w_rows, ann_real* g)
{
    ANN_FOR_BLOCKS(s, n_ranks) {
        const long long row = (long long)row_of[ranks[s]];
        ANN_FOR_THREADS(j, width) {
            ann_atomic_add(&g[j], w_rows[row * width + j]);
        }
    }
}
