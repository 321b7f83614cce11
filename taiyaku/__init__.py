"""`python -m taiyaku`: the command line of the `taiyaku` script, for environments without its entry point."""
