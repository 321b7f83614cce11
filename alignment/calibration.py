"""Fitted coefficients of the confidence model (data, written by bench/calibrate.py; do not edit by hand)."""

FEATURES = (
    "bias",
    "margin",
    "log_margin",
    "skip",
    "merge",
    "large",
    "score",
    "sim",
    "length",
    "new_in_second_pass",
)
EMBEDDINGS = (0.0, 2.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
LENGTH_ONLY = (0.0, 2.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
FLAG_BELOW = 0.5
FITTED_ON = "placeholder before the first fit"
