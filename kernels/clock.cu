/* clock.cu: the device clock.
 *
 * `step` (long long[1]) counts the simulation steps on the device. Kernels that depend on the
 * step (random fills, spike and delay rings) read step[0] instead of taking the step as an
 * argument, so a whole step runs without the host and can be captured once in a CUDA graph.
 * advance_clock, launched once at the end of each step, is its only writer.
 */

/* step[0] += 1, by the thread that takes element 0 (any grid and block size) */
ANN_KERNEL void advance_clock(long long* step) {
    ANN_FOR_EACH(i, 1) {
        step[0] += 1;
    }
}
