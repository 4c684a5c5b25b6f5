/* row_reductions.cu: sum, max, min and mean of the rows of a CSR-like array.
 *
 * values is ann_real[row_ptr[n_rows]], row r is values[row_ptr[r] .. row_ptr[r + 1]) (row_ptr:
 * int[n_rows + 1], non-decreasing); out is ann_real[n_rows]. out[r] is the reduction of row r,
 * 0 for an empty row.
 *
 * On the GPU one block reduces one row at a time (rows blockIdx.x, blockIdx.x + gridDim.x, ...):
 * thread t combines elements t, t + blockDim.x, ... of the row, then the block combines the
 * threads' partial results by halving in shared memory (any block size up to the hardware's 1024
 * threads), and thread 0 writes out[r]. On the CPU (ANNARRAY_HOST) each row is combined in order.
 * The sums therefore differ between the two by the order of the additions only.
 */

#ifndef ANNARRAY_ROW_REDUCTIONS
#define ANNARRAY_ROW_REDUCTIONS

#define ANN_REDUCE_SUM 0
#define ANN_REDUCE_MAX 1
#define ANN_REDUCE_MIN 2
#define ANN_REDUCE_MEAN 3

/* a combined with b for reduction op (the mean combines as the sum); max and min propagate a
   NaN wherever it is in the row, as NumPy's maximum/minimum do (b != b: b is NaN) */
ANN_DEVICE ann_real ann_reduce_combine(int op, ann_real a, ann_real b) {
    if (op == ANN_REDUCE_MAX) return (b > a || b != b) ? b : a;
    if (op == ANN_REDUCE_MIN) return (b < a || b != b) ? b : a;
    return a + b;
}

/* out[r] = op over row r of values, for every row (op a constant of the calling kernel) */
ANN_DEVICE void ann_reduce_rows(int op, int n_rows, const int* row_ptr, const ann_real* values,
                                ann_real* out) {
#ifdef ANNARRAY_HOST
    ANN_FOR_EACH(r, n_rows) {
        const long long begin = row_ptr[r], end = row_ptr[r + 1];
        if (end <= begin) {
            out[r] = (ann_real)0;
            continue;
        }
        ann_real result = values[begin];
        for (long long k = begin + 1; k < end; ++k) result = ann_reduce_combine(op, result, values[k]);
        out[r] = op == ANN_REDUCE_MEAN ? result / (ann_real)(end - begin) : result;
    }
#else
    __shared__ ann_real partial[1024];
    const long long t = threadIdx.x, threads = blockDim.x;
    /* every thread of a block takes the same rows, so the __syncthreads below are reached by all */
    ANN_FOR_BLOCKS(r, n_rows) {
        const long long begin = row_ptr[r], end = row_ptr[r + 1];
        const long long length = end - begin;
        if (length <= 0) {
            if (t == 0) out[r] = (ann_real)0;
            continue;
        }
        /* threads 0 .. width-1 each have at least one element: partial[t] = op of theirs */
        long long width = length < threads ? length : threads;
        if (t < width) {
            ann_real result = values[begin + t];
            for (long long k = begin + t + threads; k < end; k += threads)
                result = ann_reduce_combine(op, result, values[k]);
            partial[t] = result;
        }
        __syncthreads();
        /* halving: thread t < width - half combines partial[t + half] into partial[t] (the
           indices written and read are disjoint since width - half <= half) */
        while (width > 1) {
            const long long half = (width + 1) / 2;
            if (t + half < width) partial[t] = ann_reduce_combine(op, partial[t], partial[t + half]);
            __syncthreads();
            width = half;
        }
        /* the last barrier above follows every read of the other threads' partials; partial[0],
           read here, is next written by thread 0 itself, so the next row needs no barrier first */
        if (t == 0) out[r] = op == ANN_REDUCE_MEAN ? partial[0] / (ann_real)length : partial[0];
    }
#endif
}

#endif /* ANNARRAY_ROW_REDUCTIONS */

/* out[r] = sum of row r (0 if empty) */
ANN_KERNEL void reduce_rows_sum(int n_rows, const int* row_ptr, const ann_real* values, ann_real* out) {
    ann_reduce_rows(ANN_REDUCE_SUM, n_rows, row_ptr, values, out);
}

/* out[r] = largest value of row r (0 if empty) */
ANN_KERNEL void reduce_rows_max(int n_rows, const int* row_ptr, const ann_real* values, ann_real* out) {
    ann_reduce_rows(ANN_REDUCE_MAX, n_rows, row_ptr, values, out);
}

/* out[r] = smallest value of row r (0 if empty) */
ANN_KERNEL void reduce_rows_min(int n_rows, const int* row_ptr, const ann_real* values, ann_real* out) {
    ann_reduce_rows(ANN_REDUCE_MIN, n_rows, row_ptr, values, out);
}

/* out[r] = mean of row r (0 if empty) */
ANN_KERNEL void reduce_rows_mean(int n_rows, const int* row_ptr, const ann_real* values, ann_real* out) {
    ann_reduce_rows(ANN_REDUCE_MEAN, n_rows, row_ptr, values, out);
}
