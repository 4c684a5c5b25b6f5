/* csr_matvec.cu: weighted sums of rate-coded projections, out += W x.
 *
 * W is a CSR matrix with one row per postsynaptic neuron: row r holds the synapses
 * row_ptr[r] .. row_ptr[r+1]-1, with presynaptic index col[k] and weight w[k].
 *   n_rows   number of rows (postsynaptic neurons)
 *   row_ptr  int[n_rows + 1]
 *   col      int[nnz];  w ann_real[nnz];  x ann_real[n_pre];  out ann_real[n_rows]
 *
 * On the GPU one warp (32 threads) sums a row: its lanes take every 32nd synapse, so that
 * consecutive lanes read consecutive weights, then the partial sums are combined by
 * shuffles and lane 0 adds the total to out[r]. On the CPU build each row is summed in
 * order. Either way no two threads write the same out[r], so no atomics are needed.
 */

#ifndef ANNARRAY_HOST
/* row r of n_rows for each warp of the grid in turn (a warp per row); lane: the thread's lane */
#define ANN_FOR_WARP_ROWS(r, lane, n_rows) \
    const int lane = threadIdx.x & 31; \
    for (long long r = ((long long)blockIdx.x * blockDim.x + threadIdx.x) >> 5; r < (n_rows); \
         r += ((long long)gridDim.x * blockDim.x) >> 5)

/* the sum of `value` over the 32 lanes of the warp, in lane 0 */
__device__ __forceinline__ ann_real ann_warp_sum(ann_real value) {
    for (int offset = 16; offset > 0; offset >>= 1) value += __shfl_down_sync(0xffffffffu, value, offset);
    return value;
}
#endif

ANN_KERNEL void csr_matvec_add(int n_rows, const int* row_ptr, const int* col, const ann_real* w,
                               const ann_real* x, ann_real* out)
{
#ifdef ANNARRAY_HOST
    ANN_FOR_EACH(r, n_rows) {
        ann_real total = 0;
        for (int k = row_ptr[r]; k < row_ptr[r + 1]; ++k) total += w[k] * x[col[k]];
        out[r] += total;
    }
#else
    ANN_FOR_WARP_ROWS(r, lane, n_rows) {
        ann_real total = 0;
        for (int k = row_ptr[r] + lane; k < row_ptr[r + 1]; k += 32) total += w[k] * x[col[k]];
        total = ann_warp_sum(total);
        if (lane == 0) out[r] += total;
    }
#endif
}

/* out += W x for a dense weight matrix (row-major, n_rows x n_cols), as csr_matvec_add. */
ANN_KERNEL void dense_matvec_add(int n_rows, int n_cols, const ann_real* w, const ann_real* x, ann_real* out)
{
#ifdef ANNARRAY_HOST
    ANN_FOR_EACH(r, n_rows) {
        ann_real total = 0;
        for (int c = 0; c < n_cols; ++c) total += w[(long long)r * n_cols + c] * x[c];
        out[r] += total;
    }
#else
    ANN_FOR_WARP_ROWS(r, lane, n_rows) {
        ann_real total = 0;
        const ann_real* row = w + r * n_cols;
        for (int c = lane; c < n_cols; c += 32) total += row[c] * x[c];
        total = ann_warp_sum(total);
        if (lane == 0) out[r] += total;
    }
#endif
}
