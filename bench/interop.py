"""Interop throughput: import-tmx on a generated 100,000-unit TMX (parse, then parse + store), as JSON."""

from __future__ import annotations

import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alignment.tmx_import import import_tmx, read_tmx


def make_tmx(path: Path, units: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        fh.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
            '<tmx version="1.4"><header srclang="ja" segtype="sentence"/><body>\n'
        )
        for i in range(units):
            fh.write(
                f'<tu><prop type="x-n">{i}</prop><tuv xml:lang="ja"><seg>日本とインドは第{i}項の分野で'
                f'海洋安全保障協力（ＩＰＭＤＡ）を強化する。</seg></tuv><tuv xml:lang="en"><seg>Japan and '
                f"India strengthen maritime security cooperation (IPMDA) in area {i}.</seg></tuv></tu>\n"
            )
        fh.write("</body></tmx>\n")


def main(units: int = 100_000) -> None:
    from tui.common import open_db

    with tempfile.TemporaryDirectory() as tmp:
        tmx = Path(tmp) / "big.tmx"
        make_tmx(tmx, units)
        t0 = time.perf_counter()
        memory = read_tmx(tmx)
        parse_s = time.perf_counter() - t0
        assert len(memory.units) == units
        del memory
        tracemalloc.start()
        read_tmx(tmx)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db = open_db(str(Path(tmp) / "taiyaku.db"))
        t0 = time.perf_counter()
        import_tmx(db, tmx, name="big")
        import_s = time.perf_counter() - t0
        db.close()
        print(
            json.dumps(
                {
                    "units": units,
                    "file_mb": round(tmx.stat().st_size / 1e6, 1),
                    "parse_s": round(parse_s, 2),
                    "parse_units_per_s": round(units / parse_s),
                    "parse_peak_mb_python": round(peak / 1e6, 1),
                    "import_s": round(import_s, 2),
                    "import_units_per_s": round(units / import_s),
                }
            )
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
