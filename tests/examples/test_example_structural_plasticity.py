"""examples/structural_plasticity.py for two phases (400 ms): creating and pruning counts.

(Not named test_structural_plasticity.py: that basename is taken by tests/core.)"""

from examples import structural_plasticity


def _steps_below(w, threshold=0.05, factor=0.98):
    """Hand computation: decay steps (w -> 0.98 w, explicit Euler with tau = 50, dt = 1)
    until w < threshold."""
    steps = 0
    while w >= threshold:
        w *= factor
        steps += 1
    return steps


def test_decay_steps_of_the_hand_computation():
    """0.5 * 0.98^113 = 0.05099 and 0.5 * 0.98^114 = 0.04997: 114 steps; a learned weight
    1 - 0.5 * 0.98^199 = 0.99103 needs 148 (0.99103 * 0.98^147 = 0.05085,
    * 0.98^148 = 0.04984)."""
    assert _steps_below(0.5) == 114
    assert _steps_below(1.0 - 0.5 * 0.98**199) == 148


def test_structural_plasticity_counts_follow_the_rules(tmp_path):
    """Hand computation (rules of the example, checks every 10 ms from step 0, creating
    before pruning, both after the weight update of the step):
    - 40 neurons x 4 synapses each = 160 at t = 0; the check at step 0 connects the 100 pairs
      of assembly 0 that are not connected yet: 160 + 100 - a0;
    - a random synapse outside it decays from 0.5 from step 0: below 0.05 after 114 steps
      (end of step 113), low = 21 ms > 20 at the end of step 133, pruned at the check of
      step 140, leaving the 100 of assembly 0;
    - at step 200 assembly 1 is connected (200); assembly 0 (w = 1 - 0.5 * 0.98^199 for
      the created synapses, grown over steps 1..199; 1 - 0.5 * 0.98^200 for the a0 random
      ones, below 0.05 after 148 steps as well) decays from step 200: below 0.05 at the end
      of step 347, low > 20 at step 367, pruned at step 370 = 170 ms into the phase;
    - at the end only assembly 1 is left: 100 synapses, all inside it.
    ANNarchy 4.8.2 gives the same count sequence for these rules (docs/reference_facts.md U3)."""
    figures = structural_plasticity.main(["--duration", "400", "--outdir", str(tmp_path)])
    assert (tmp_path / "structural_plasticity.png").stat().st_size > 0
    assert figures["initial"] == 160
    assert figures["after_first_check"] == 160 + 100 - figures["initial_inside_first_assembly"]
    assert figures["first_pruning_ms"] == 140.0
    assert figures["after_first_pruning"] == 100
    assert figures["learned_pruning_ms"] == 170.0
    assert figures["final"] == 100
    assert figures["final_in_last_assembly"] == 100
    assert figures["mismatches"] == 0
