"""Extensions (convolution, structural plasticity, reporting…)."""
