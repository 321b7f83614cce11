"""`python -m taiyaku …` runs the same command line as the `taiyaku` script."""

from tui.cli import cli

if __name__ == "__main__":
    cli(prog_name="taiyaku")
