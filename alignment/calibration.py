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
    "skip_x_log_margin",
    "merge_x_log_margin",
)
EMBEDDINGS = (
    5.8540,
    1.2628,
    0.3947,
    -3.6794,
    -0.9736,
    1.5021,
    -0.2565,
    2.4301,
    1.3731,
    -0.8747,
    0.8509,
    -2.5093,
    -0.4418,
    1.2301,
)
LENGTH_ONLY = (
    1.3993,
    6.3455,
    0.2386,
    -2.7391,
    -3.5350,
    0.2070,
    1.1885,
    0.0000,
    -2.2268,
    0.0000,
    0.1423,
    -1.5433,
    -0.4610,
    -0.7120,
)
FLAG_BELOW = 0.85
FITTED_ON = "dev-gold (4 files) + 432 perturbed variants (merge_en, merge_ja, merge3_en, merge3_ja, drop_en, drop_ja, drop_run_en, drop_run_ja, mixed), trials 0-11; checked on 144 other variants"
