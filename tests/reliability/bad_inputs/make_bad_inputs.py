"""Hostile and broken input files for the reliability tests.

The small, readable ones are committed beside this script (`python make_bad_inputs.py` rewrites them);
binary, huge and path-dependent ones (XXE pointing at a secret file, external DTDs on a local server) are
made at test time by `dynamic_inputs` into a temporary folder. Each input names the readers it targets and
whether a reader may accept it (`either`) or must refuse it (`error`).
"""

from __future__ import annotations

import gzip
import io
import json
import random
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Readers: "text" (import), "tmx" (import-tmx), "tbx" / "csv" / "json" / "omegat" (glossary import),
# "jsonl" (eval), "keys" (annotate --keys).
TEXT, TMX, TBX, CSV, JSON, JSONL = "text", "tmx", "tbx", "csv", "json", "jsonl"
OMEGAT, KEYS = "omegat", "keys"
"""OmegaT's tab-separated glossary (glossary import --format omegat); the app's key file (annotate --keys)."""
XML_READERS = (TMX, TBX)


@dataclass(frozen=True)
class BadInput:
    name: str
    content: bytes
    readers: tuple[str, ...]
    expect: str = "error"
    """"error": refused with one line; "either": accepted or refused, never a traceback or a half change."""
    why: str = ""


def _tmx(body: str, doctype: str = "", encoding: str = "UTF-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n{doctype}'
        '<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" '
        'o-tmf="t" adminlang="en" srclang="ja" datatype="plaintext"/>\n'
        f"<body>{body}</body></tmx>\n"
    )


def _tu(ja: str, en: str) -> str:
    return f'<tu><tuv xml:lang="ja"><seg>{ja}</seg></tuv><tuv xml:lang="en"><seg>{en}</seg></tuv></tu>\n'


def _tbx(body: str, doctype: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}'
        '<tbx type="TBX-Basic" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">'
        "<tbxHeader><fileDesc><sourceDesc><p>t</p></sourceDesc></fileDesc></tbxHeader>"
        f"<text><body>{body}</body></text></tbx>\n"
    )


def _entry(ja: str, en: str) -> str:
    return (
        f'<conceptEntry id="c1"><langSec xml:lang="ja"><termSec><term>{ja}</term></termSec></langSec>'
        f'<langSec xml:lang="en"><termSec><term>{en}</term></termSec></langSec></conceptEntry>'
    )


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + "]>\n"
)
QUADRATIC = '<!DOCTYPE q [<!ENTITY big "' + "x" * 50_000 + '">]>\n'
GOOD_TU = _tu("日本とインドは協力する。", "Japan and India cooperate.")
GOOD_ENTRY = _entry("海洋状況把握", "maritime domain awareness")
SJIS_LINE = "シフトJISの行です。\n".encode("shift_jis")


def static_inputs() -> list[BadInput]:
    u = "utf-8"
    out = [
        # --- plain text -----------------------------------------------------------------------------------
        BadInput("empty.txt", b"", (TEXT, TMX, TBX, CSV, JSON, JSONL), why="empty file"),
        BadInput(
            "whitespace.txt",
            " \n\t\n\u3000\u3000\n\r\n   \n".encode(u),
            (TEXT, TMX, TBX, CSV, JSON, JSONL),
            why="whitespace only, ideographic spaces too",
        ),
        BadInput(
            "bom_only.txt", b"\xef\xbb\xbf", (TEXT, CSV, JSON, JSONL), why="a UTF-8 BOM and nothing else"
        ),
        BadInput("bom_whitespace.txt", b"\xef\xbb\xbf\n  \n\t\n", (TEXT,), why="BOM then whitespace"),
        BadInput(
            "nul_bytes.txt",
            "日本語の文。\x00\x00\x00次の文。\n".encode(u),
            (TEXT, CSV, JSON, JSONL),
            expect="either",
            why="NUL bytes inside otherwise good UTF-8",
        ),
        BadInput(
            "mostly_nul.txt", b"\x00" * 4096 + "文。\n".encode(u), (TEXT, CSV, JSON, JSONL), why="NUL padding"
        ),
        BadInput(
            "mixed_utf8_sjis.txt",
            "最初の行。\n".encode(u) + SJIS_LINE + "最後の行。\n".encode(u),
            (TEXT, CSV, JSON, JSONL),
            expect="either",
            why="UTF-8 with a Shift_JIS line in the middle",
        ),
        BadInput(
            "invalid_utf8.txt",
            b"abc \xff\xfe\xfd \xc0\xaf overlong \xed\xa0\x80 surrogate\n",
            (TEXT, CSV, JSON, JSONL),
            expect="either",
            why="invalid UTF-8: overlong, surrogate, 0xFF",
        ),
        BadInput(
            "utf16_nobom.txt",
            "日本語のテキストです。\n二行目。\n".encode("utf-16-le"),
            (TEXT, CSV),
            expect="either",
            why="UTF-16 without a BOM",
        ),
        BadInput(
            "latin1.txt",
            "café résumé naïve - déjà vu\n".encode("latin-1"),
            (TEXT, CSV),
            expect="either",
            why="Latin-1 English",
        ),
        BadInput(
            "ansi_escapes.txt",
            "悪意のある\x1b]0;owned\x07文。\x1b[2J\x1b[31m赤い文。\n".encode(u),
            (TEXT,),
            expect="either",
            why="terminal escape sequences in text",
        ),
        BadInput(
            "control_chars.txt",
            "制御\x01\x02\x03\x7f文字。\x0b\x0c次。\n".encode(u),
            (TEXT,),
            expect="either",
            why="C0 controls",
        ),
        BadInput(
            "bidi_override.txt",
            "文書\u202eevil\u202c。\u2066x\u2069\n".encode(u),
            (TEXT,),
            expect="either",
            why="bidi overrides (Trojan Source)",
        ),
        BadInput(
            "lone_cr.txt",
            "一行目。\r二行目。\r三行目。\r".encode(u),
            (TEXT,),
            expect="either",
            why="old Mac line ends",
        ),
        BadInput(
            "pdf_header.txt",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)) * 8,
            (TEXT, TMX, TBX, CSV, JSON, JSONL),
            why="a PDF, not text",
        ),
        # --- TMX ------------------------------------------------------------------------------------------
        BadInput(
            "unclosed.tmx",
            _tmx(GOOD_TU).replace("</body></tmx>", "<tu><tuv>").encode(u),
            (TMX, TBX),
            why="unclosed elements",
        ),
        BadInput("truncated.tmx", _tmx(GOOD_TU * 5).encode(u)[:-60], (TMX,), why="cut mid-file"),
        BadInput(
            "not_xml.tmx", "日本語\tEnglish\n".encode(u) * 5, (TMX, TBX), why="tab-separated text, not XML"
        ),
        BadInput(
            "wrong_root.tmx", b"<html><body><p>hello</p></body></html>\n", (TMX, TBX), why="XML, not TMX"
        ),
        BadInput("no_body.tmx", _tmx("").replace("<body></body>", "").encode(u), (TMX,), why="no <body>"),
        BadInput(
            "no_ja_en.tmx",
            _tmx(_tu("x", "y").replace('"ja"', '"fr"').replace('"en"', '"de"')).encode(u),
            (TMX,),
            why="units in other languages only",
        ),
        BadInput("empty_segs.tmx", _tmx(_tu("", "") * 3).encode(u), (TMX,), why="units with empty segments"),
        BadInput(
            "nul_in_xml.tmx",
            _tmx(GOOD_TU).replace("協力", "協\x00力").encode(u),
            (TMX, TBX),
            why="NUL is not allowed in XML",
        ),
        BadInput(
            "billion_laughs.tmx",
            _tmx(_tu("&lol9;", "&lol9;"), doctype=LAUGHS).encode(u),
            (TMX,),
            why="entity expansion bomb",
        ),
        BadInput(
            "quadratic.tmx",
            _tmx(_tu("&big;" * 2000, "&big;" * 2000), doctype=QUADRATIC).encode(u),
            (TMX,),
            why="quadratic blowup",
        ),
        BadInput(
            "lying_encoding.tmx",
            _tmx(GOOD_TU).encode("shift_jis"),
            (TMX,),
            expect="either",
            why="declares UTF-8, is Shift_JIS",
        ),
        BadInput(
            "utf16.tmx",
            _tmx(GOOD_TU, encoding="UTF-16").encode("utf-16"),
            (TMX,),
            expect="either",
            why="valid UTF-16 TMX: may work",
        ),
        BadInput(
            "formula_cells.tmx",
            _tmx(
                _tu('=HYPERLINK("http://x")', "=1+1")
                + _tu("@SUM(A1)", "-2+3")
                + _tu("+cmd|' /C calc'!A0", "\t=cmd")
            ).encode(u),
            (TMX,),
            expect="either",
            why="spreadsheet formulas as text (exports must neutralise them)",
        ),
        BadInput(
            "sql_text.tmx",
            _tmx(
                _tu("'; DROP TABLE pairs; --", "Robert'); DROP TABLE beads;--")
                + _tu("100% _x_ \\ \" '", "%_%")
            ).encode(u),
            (TMX,),
            expect="either",
            why="SQL fragments as text",
        ),
        # --- TBX ------------------------------------------------------------------------------------------
        BadInput("unclosed.tbx", _tbx(GOOD_ENTRY)[:-30].encode(u), (TBX,), why="cut mid-file"),
        BadInput("wrong_root.tbx", _tmx(GOOD_TU).encode(u), (TBX,), why="a TMX given as TBX"),
        BadInput("empty_body.tbx", _tbx("").encode(u), (TBX,), expect="either", why="no entries"),
        BadInput(
            "billion_laughs.tbx",
            _tbx(_entry("&lol9;", "&lol9;"), doctype=LAUGHS).encode(u),
            (TBX,),
            why="entity expansion bomb",
        ),
        BadInput(
            "quadratic.tbx",
            _tbx(_entry("&big;" * 2000, "x"), doctype=QUADRATIC).encode(u),
            (TBX,),
            why="quadratic blowup",
        ),
        BadInput(
            "bad_status.tbx",
            _tbx(
                GOOD_ENTRY.replace(
                    "<term>海洋状況把握</term>",
                    '<term>海洋状況把握</term><termNote type="administrativeStatus">bogusTerm-admn-sts</termNote>',
                )
            ).encode(u),
            (TBX,),
            expect="either",
            why="unknown status value",
        ),
        # --- CSV ------------------------------------------------------------------------------------------
        BadInput(
            "no_header.csv",
            "海洋状況把握,maritime domain awareness,MDA\n".encode(u),
            (CSV,),
            expect="either",
            why="data without a header row (issue 12: read as ja, en, note with a warning)",
        ),
        BadInput(
            "unknown_column.csv",
            "ja,en,colour\n海洋,maritime,red\n".encode(u),
            (CSV,),
            expect="either",
            why="an unknown column must be reported",
        ),
        BadInput(
            "ragged.csv",
            "ja,en,acronym,status,note\n海洋,maritime\na,b,c,d,e,f,g,h\n".encode(u),
            (CSV,),
            why="rows with too few and too many cells",
        ),
        BadInput(
            "unbalanced_quote.csv",
            'ja,en\n"海洋,maritime\n次,next\n'.encode(u),
            (CSV,),
            why="a quote never closed",
        ),
        BadInput("header_only.csv", b"ja,en,acronym,status,note\n", (CSV,), expect="either", why="no rows"),
        BadInput(
            "bad_status.csv",
            "ja,en,status\n海洋,maritime,approvedish\n".encode(u),
            (CSV,),
            why="status outside the set",
        ),
        BadInput(
            "empty_terms.csv",
            "ja,en,acronym\n,,\n  ,\u3000,\n".encode(u),
            (CSV,),
            expect="either",
            why="rows with no term (blank rows may be skipped)",
        ),
        BadInput(
            "semicolons.csv",
            "ja;en;status\n海洋;maritime;approved\n".encode(u),
            (CSV,),
            expect="either",
            why="semicolon-separated",
        ),
        BadInput(
            "sjis.csv",
            "ja,en\n海洋状況把握,maritime domain awareness\n".encode("shift_jis"),
            (CSV,),
            expect="either",
            why="Shift_JIS CSV from Excel",
        ),
        BadInput(
            "bom_header.csv",
            "\ufeffja,en\n海洋状況把握,maritime domain awareness\n".encode(u),
            (CSV,),
            expect="either",
            why="Excel's UTF-8 BOM before the header",
        ),
        BadInput(
            "formula_cells.csv",
            (
                'ja,en,acronym,note\n=1+1,"=HYPERLINK(""http://evil"",""x"")",@SUM(A1),-2+3\n'
                "+cmd,\t=tab,\r=cr,=cmd|' /C calc'!A0\n"
            ).encode(u),
            (CSV,),
            expect="either",
            why="formula cells: stored as text, neutralised on export",
        ),
        BadInput(
            "sql_terms.csv",
            ('ja,en,acronym,note\n\'; DROP TABLE glossary_entries; --,100%,_,"a""b"\n%,_,\\,\'\n').encode(u),
            (CSV,),
            expect="either",
            why="SQL and LIKE wildcards",
        ),
        # --- JSON -----------------------------------------------------------------------------------------
        BadInput(
            "malformed.json",
            b'[{"ja": "\xe6\xb5\xb7", "en": "sea",}',
            (JSON, JSONL),
            why="trailing comma, unclosed",
        ),
        BadInput(
            "object.json", b'{"ja": "x", "en": "y"}', (JSON,), expect="either", why="an object, not a list"
        ),
        BadInput("strings.json", b'["a", "b"]', (JSON,), why="a list of strings"),
        BadInput("null.json", b"null", (JSON, JSONL), why="null"),
        BadInput(
            "lone_surrogate.json",
            b'[{"ja": "\\ud800\\udfff\\udc00", "en": "x\\ud83d"}]',
            (JSON,),
            why="lone surrogates that SQLite cannot store as UTF-8",
        ),
        BadInput(
            "wrong_types.json",
            b'[{"ja": 123, "en": ["x"], "variants": "no", "status": 5}]',
            (JSON,),
            why="wrong value types",
        ),
        BadInput(
            "nan.json", b'[{"ja": NaN, "en": Infinity, "id": 1e999}]', (JSON,), why="NaN and infinities"
        ),
        BadInput(
            "huge_int.json",
            ('[{"ja": "x", "en": "y", "id": ' + "9" * 5000 + "}]").encode(u),
            (JSON,),
            expect="either",
            why="a 5000-digit id",
        ),
        BadInput(
            "sql_terms.json",
            json.dumps(
                [{"ja": "'; DROP TABLE glossary_entries; --", "en": "100% _x_"}, {"ja": "%", "en": "_"}]
            ).encode(u),
            (JSON,),
            expect="either",
            why="SQL and LIKE wildcards",
        ),
        # --- key files (TOML) ------------------------------------------------------------------------------
        BadInput(
            "unknown_binding.toml", b'"align.no-such-action" = "x"\n', (KEYS,), why="an unknown binding id"
        ),
        BadInput("bad_value.toml", b'"align.merge-next" = 5\n', (KEYS,), why="keys given as a number"),
        BadInput("empty_value.toml", b'"align.merge-next" = "  "\n', (KEYS,), why="no keys"),
        BadInput("malformed.toml", b'"align.merge-next = "m\n[[[\n', (KEYS,), why="not TOML"),
        # --- JSONL (eval gold) -------------------------------------------------------------------------------
        BadInput(
            "wrong_keys.jsonl", b'{"src": ["a"], "tgt": ["b"]}\n', (JSONL,), why="keys other than ja/en"
        ),
        BadInput(
            "not_lists.jsonl", '{"ja": "文", "en": "s"}\n'.encode(u), (JSONL,), why="strings, not lists"
        ),
        BadInput(
            "half_bad.jsonl",
            '{"ja": ["文。"], "en": ["S."]}\n{"ja": ["x"], "en": \n'.encode(u),
            (JSONL,),
            why="a good line then a broken one",
        ),
        BadInput("no_beads.jsonl", b'{"ja": [], "en": []}\n', (JSONL,), why="beads with nothing in them"),
    ]
    return out


# --- made at test time -----------------------------------------------------------------------------------


def _rng() -> random.Random:
    return random.Random(20261123)


def binary_inputs() -> list[BadInput]:
    rng = _rng()
    all_readers = (TEXT, TMX, TBX, CSV, JSON, JSONL)
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    return [
        BadInput("random.bin", rng.randbytes(64 * 1024), all_readers, why="random bytes"),
        BadInput(
            "png.bin",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(4000),
            all_readers,
            why="an image",
        ),
        BadInput("gzip.bin", gzip.compress("日本語の文。\n".encode() * 200), all_readers, why="gzipped text"),
        BadInput("docx.bin", zipped.getvalue(), all_readers, why="a .docx (zip)"),
        BadInput(
            "elf.bin",
            b"\x7fELF\x02\x01\x01\x00" + bytes(8) + rng.randbytes(2000),
            all_readers,
            why="an executable",
        ),
        BadInput(
            "utf32.bin", "日本語の文。\n".encode("utf-32"), (TEXT,), expect="either", why="UTF-32 with BOM"
        ),
        BadInput(
            "long_line.txt",
            ("長い行" * 200_000).encode(),
            (TEXT,),
            expect="either",
            why="a 1.8 MB line without a line break (GiNZA/Sudachi refuse > 49,149 bytes at once)",
        ),
        BadInput(
            "deep.tmx",
            (_tmx(_tu("<x>" * 200_000 + "y" + "</x>" * 200_000, "z"))).encode(),
            (TMX,),
            expect="either",
            why="200,000 nested elements",
        ),
        BadInput("deep.json", b"[" * 100_000 + b"]" * 100_000, (JSON, JSONL), why="deep nesting (recursion)"),
        BadInput(
            "huge_field.csv",
            ("ja,en\n" + "海" * 300_000 + ",x\n").encode(),
            (CSV,),
            expect="either",
            why="a 300,000-character cell (Python's csv limit is 131,072)",
        ),
    ]


def xxe_inputs(secret: Path, url: str) -> list[BadInput]:
    """External entities pointing at a secret file and at a local web server that counts requests."""
    file_url = secret.as_uri()
    ent = f'<!DOCTYPE tmx [<!ENTITY xxe SYSTEM "{file_url}">]>\n'
    ent_tbx = f'<!DOCTYPE tbx [<!ENTITY xxe SYSTEM "{file_url}">]>\n'
    param = f'<!DOCTYPE tmx [<!ENTITY % p SYSTEM "{url}/param.dtd"> %p;]>\n'
    ext_dtd = f'<!DOCTYPE tmx SYSTEM "{url}/tmx14.dtd">\n'
    net_ent = f'<!DOCTYPE tmx [<!ENTITY net SYSTEM "{url}/entity">]>\n'
    xinclude = _tu(
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{file_url}" parse="text"/>', "x"
    )
    u = "utf-8"
    return [
        BadInput(
            "xxe_file.tmx",
            _tmx(_tu("&xxe;", "&xxe;"), doctype=ent).encode(u),
            (TMX,),
            expect="either",
            why="external entity reading a local file",
        ),
        BadInput(
            "xxe_file.tbx",
            _tbx(_entry("&xxe;", "&xxe;"), doctype=ent_tbx).encode(u),
            (TBX,),
            expect="either",
            why="external entity reading a local file",
        ),
        BadInput(
            "xxe_param.tmx",
            _tmx(GOOD_TU, doctype=param).encode(u),
            (TMX, TBX),
            expect="either",
            why="external parameter entity over HTTP",
        ),
        BadInput(
            "external_dtd.tmx",
            _tmx(GOOD_TU, doctype=ext_dtd).encode(u),
            (TMX,),
            expect="either",
            why="external DTD over HTTP",
        ),
        BadInput(
            "xxe_http.tmx",
            _tmx(_tu("&net;", "&net;"), doctype=net_ent).encode(u),
            (TMX,),
            expect="either",
            why="external entity over HTTP",
        ),
        BadInput(
            "xinclude.tmx", _tmx(xinclude).encode(u), (TMX,), expect="either", why="XInclude of a local file"
        ),
    ]


def huge_text(path: Path, megabytes: int = 50) -> Path:
    """A Japanese text of `megabytes` MB (UTF-8), written in chunks so the test itself stays small."""
    line = "日本とインドは、インド洋地域情報融合センター（ＩＦＣ－ＩＯＲ）を通じて海洋状況把握で協力する。\n".encode()
    target = megabytes * 1024 * 1024
    block = line * 1000
    with path.open("wb") as fh:
        written = 0
        while written < target:
            fh.write(block)
            written += len(block)
    return path


def write_static(folder: Path = HERE) -> list[Path]:
    paths = []
    for bad in static_inputs():
        p = folder / bad.name
        p.write_bytes(bad.content)
        paths.append(p)
    return paths


def write_all(folder: Path, inputs: list[BadInput]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for bad in inputs:
        p = folder / bad.name
        p.write_bytes(bad.content)
        out[bad.name] = p
    return out


if __name__ == "__main__":
    for p in write_static():
        print(p.name)
