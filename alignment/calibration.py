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
    "near_log_margin",
    "near_skip",
)
EMBEDDINGS = (
    6.2382,
    1.1174,
    0.7526,
    -3.3955,
    -3.1146,
    1.9359,
    -0.4188,
    0.7647,
    1.5102,
    -0.9652,
    0.3121,
    -2.3237,
)
LENGTH_ONLY = (
    0.3605,
    7.1990,
    0.0703,
    -1.3459,
    -1.8567,
    0.2503,
    1.2323,
    0.0000,
    -2.0857,
    0.0000,
    -0.0578,
    -1.2744,
)
FLAG_BELOW = 0.85
FITTED_ON = "dev-gold (4 files) + 216 perturbed variants (merge_en, merge_ja, merge3_en, merge3_ja, drop_en, drop_ja, drop_run_en, drop_run_ja, mixed), trials 0-5; checked on 108 other variants"
