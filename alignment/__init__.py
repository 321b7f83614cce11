"""The bilingual corpus: import, segmentation, alignment, storage and export. Never imports glossary/ or tui/."""

import sys as _sys


def _import_sqlite_utils_lean() -> None:
    """Import sqlite-utils without numpy/pandas.

    sqlite-utils imports both at import time only to map their scalar types to column types; that costs
    ~100 ms and would make `taiyaku --help` and `taiyaku glossary lookup` load numpy. Code that needs
    numpy imports it later as usual.
    """
    blocked = [name for name in ("numpy", "pandas") if name not in _sys.modules]
    for name in blocked:
        _sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` raise ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for name in blocked:
            if name in _sys.modules and _sys.modules[name] is None:
                del _sys.modules[name]


_import_sqlite_utils_lean()
