"""Clause beads inside sentence beads: the pure rules (alignment.clause_beads) and the clause actions of the
application layer (tui.core.clauses) on a small real project: cut and join pieces, edits that stay inside
one sentence bead, sentence edits that reset the clause links they break, our English for a clause, undo
and redo of each, and what `export --level clause --confirmed-only` keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from alignment import edit
from alignment.bead_store import get_beads, save_beads
from alignment.clause_beads import (
    ClauseIndex,
    beads_after_cut,
    beads_after_join,
    first_clauses,
    follow_sentence_edit,
    piece_cut,
    uncross,
    window,
    word_cuts,
)
from alignment.edit import EditError
from alignment.export import bead_records
from alignment.model import Bead, Document, Segment
from alignment.project import write
from alignment.store import create_pair, get_document, get_pair, insert_document, pair_segments
from tui.core import beads, clauses, undo
from tui.core.project import Project

# --- the pure rules -------------------------------------------------------------------------------------


def test_first_clauses_lets_a_sentence_without_clauses_start_where_the_next_does() -> None:
    assert first_clauses([0, 0, 2, 2, 2], 3) == (0, 2, 2, 5)
    assert ClauseIndex.from_parents([0, 0, 1], [0, 1], 2, 2).clauses_of(Bead((0, 2), (1, 2))) == (
        (0, 3),
        (1, 2),
    )


def test_window_is_the_run_that_tiles_a_sentence_beads_clauses_or_none() -> None:
    clause_beads = [Bead((0, 1), (0, 1)), Bead((1, 2), (1, 1)), Bead((2, 4), (1, 3)), Bead((4, 5), (3, 4))]
    assert window(clause_beads, (0, 2), (0, 1)) == (0, 2)  # the 1-0 at the edge belongs by its Japanese
    assert window(clause_beads, (2, 4), (1, 3)) == (2, 3)
    assert window(clause_beads, (2, 5), (1, 4)) == (2, 4)
    assert window(clause_beads, (0, 3), (0, 2)) is None  # bead 3 crosses its edge


def test_a_sentence_edit_keeps_the_clause_beads_of_unchanged_sentence_beads_and_resets_the_others() -> None:
    index = ClauseIndex((0, 2, 3, 5), (0, 1, 3, 4))
    sentences = [Bead((0, 1), (0, 1)), Bead((1, 2), (1, 2)), Bead((2, 3), (2, 3))]
    clause_beads = [
        Bead((0, 1), (0, 1), status="confirmed"),
        Bead((1, 2), (1, 1)),
        Bead((2, 3), (1, 3)),
        Bead((3, 4), (3, 4), status="confirmed"),
        Bead((4, 5), (4, 4)),
    ]
    merged = [sentences[0], Bead((1, 3), (1, 3))]
    out = follow_sentence_edit(sentences, merged, clause_beads, index)
    assert out.beads[:2] == clause_beads[:2] and out.beads[0] is clause_beads[0]
    assert out.beads[2:] == [Bead((2, 5), (1, 4))] and out.reset == [1]


def test_cut_then_join_gives_the_clause_beads_back() -> None:
    clause_beads = [Bead((0, 2), (0, 1)), Bead((2, 3), (1, 3)), Bead((3, 3), (3, 4))]
    cut = beads_after_cut(clause_beads, "en", 0)
    assert [(b.ja, b.en) for b in cut] == [((0, 2), (0, 2)), ((2, 3), (2, 4)), ((3, 3), (4, 5))]
    assert beads_after_join(cut, "en", 0) == clause_beads


def test_a_cut_leaves_the_space_to_neither_piece_and_never_makes_an_empty_one() -> None:
    text = "xx In order to modernise, the two countries will"
    assert piece_cut(text, 3, len(text), 26) == ((3, 25), (26, len(text)))
    assert piece_cut(text, 3, len(text), 25) == ((3, 25), (26, len(text)))
    assert piece_cut(text, 3, len(text), 3) is None and piece_cut(text, 3, len(text), 4) is not None
    assert piece_cut("a   b", 0, 5, 2) == ((0, 1), (4, 5))


def test_english_is_cut_at_words_japanese_between_characters() -> None:
    assert word_cuts("to the two", 10) == [13, 17]
    assert word_cuts("以下の取組", 0) == [1, 2, 3, 4]
    assert word_cuts("ASEAN 主導の枠組み及び", 0) == [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13]


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        (["1-1", "1-0", "1-1", "1-1", "0-1"], ["1-1", "3-3"]),  # a clause moved from the middle to the end
        (["1-1", "1-0", "1-1", "1-1"], ["1-1", "3-2"]),  # a lone unpaired clause: towards the far edge
        (["2-1", "1-1", "0-1"], ["3-3"]),
        (["1-1", "1-1"], ["1-1", "1-1"]),
    ],
)
def test_crossing_clauses_share_one_bead(shape: list[str], expected: list[str]) -> None:
    out, i, j = [], 0, 0
    for s in shape:
        a, b = map(int, s.split("-"))
        out.append(Bead((i, i + a), (j, j + b), score=0.5 + 0.1 * len(out)))
        i, j = i + a, j + b
    merged = uncross(out)
    assert [b.type for b in merged] == expected
    edit.check_cover(merged, i, j)


# --- the actions, on a project --------------------------------------------------------------------------

JA = ["日本は、協力を進め、計画を立てる。", "両国は会合を開く。"]
JA_CLAUSES = [["日本は、", "協力を進め、", "計画を立てる。"], ["両国は会合を開く。"]]
EN = ["Japan will advance cooperation and make plans.", "The two countries will meet."]


def _document(lang: str, sentences: list[str], parts: list[list[str]]) -> tuple[Document, list, list]:
    text = "\n".join(sentences) + "\n"
    doc = Document(None, None, lang, text, text, ((0, 0, len(text)),))  # type: ignore[arg-type]
    sents, cls, pos = [], [], 0
    for k, (s, pieces) in enumerate(zip(sentences, parts, strict=True)):
        sents.append(Segment(k, pos, pos + len(s), s))
        p = pos
        for piece in pieces:
            cls.append(Segment(len(cls), p, p + len(piece), piece, "clause", k))
            p += len(piece)
        pos += len(s) + 1
    return doc, sents, cls


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "taiyaku.db", user="ana")
    with write(p.db):
        pair_id = create_pair(p.db, "p")
        for lang, sents, parts in (("ja", JA, JA_CLAUSES), ("en", EN, [[s] for s in EN])):
            doc, ss, cs = _document(lang, sents, parts)
            insert_document(p.db, pair_id, doc, ss, cs)
    save_beads(p.db, pair_id, [Bead((0, 1), (0, 1), 0.9), Bead((1, 2), (1, 2), 0.9)])
    save_beads(p.db, pair_id, [Bead((0, 3), (0, 1), 1.0), Bead((3, 4), (1, 2), 1.0)], level="clause")
    return p


def _shape(p: Project) -> list[tuple[tuple[int, int], tuple[int, int], str]]:
    return [(b.ja, b.en, b.status) for b in get_beads(p.db, get_pair(p.db, "p").id, "clause")]


def _pieces(p: Project) -> list[str]:
    return [c.text for c in pair_segments(p.db, get_pair(p.db, "p"), "en", "clause")]


def test_cut_link_and_undo_everything(project: Project) -> None:
    zoom = clauses.load_clauses(project.db, "p", 0)
    assert [b.type for b in zoom.beads] == ["3-1"]
    text = get_document(project.db, zoom.sentences.pair.id, "en").text  # type: ignore[union-attr]
    zoom = clauses.cut_piece(project, zoom, "en", 0, text.index("and make"))
    assert _pieces(project) == ["Japan will advance cooperation", "and make plans.", EN[1]]
    assert [b.type for b in zoom.beads] == ["3-2"] and _shape(project)[1][1] == (2, 3)
    zoom = clauses.change_clauses(project, zoom, edit.split, 0, action="split", summary="split")
    assert [b.type for b in zoom.beads] == ["1-1", "2-1"]
    # an edit never reaches beyond the zoomed sentence bead
    with pytest.raises(EditError):
        clauses.change_clauses(project, zoom, edit.merge, 1, action="merge", summary="merge")
    # joining pieces of two beads is refused; of one bead it works
    with pytest.raises(EditError):
        clauses.join_pieces(project, zoom, "en", 0)
    for _ in range(2):
        entry = undo.undo(project)
        assert entry is not None and entry.action.startswith("clause-")
    assert _pieces(project) == [*EN] and _shape(project) == [
        ((0, 3), (0, 1), "auto"),
        ((3, 4), (1, 2), "auto"),
    ]
    undo.redo(project)
    assert _pieces(project) == ["Japan will advance cooperation", "and make plans.", EN[1]]


def test_a_sentence_merge_resets_the_clause_links_in_the_same_action(project: Project) -> None:
    zoom = clauses.load_clauses(project.db, "p", 0)
    zoom = clauses.change_clauses(project, zoom, edit.confirm, 0, action="confirm", summary="confirm")
    state = beads.load_pair(project.db, "p")
    after = beads.change_beads(
        project, state, edit.merge(list(state.beads), 0), action="merge", summary="merge", cursor=0
    )
    assert after.note == "clause links reset in bead 1"
    assert _shape(project) == [((0, 4), (0, 2), "auto")]
    undo.undo(project)  # one undo brings both levels back
    assert [b.type for b in beads.load_pair(project.db, "p").beads] == ["1-1", "1-1"]
    assert _shape(project) == [((0, 3), (0, 1), "confirmed"), ((3, 4), (1, 2), "auto")]


def test_export_confirmed_only_keeps_clause_beads_of_checked_sentences(project: Project) -> None:
    pair = get_pair(project.db, "p")
    assert list(bead_records(project.db, [pair], level="clause", confirmed_only=True)) == []
    zoom = clauses.load_clauses(project.db, "p", 1)
    clauses.change_clauses(project, zoom, edit.confirm, 0, action="confirm", summary="confirm")
    records = list(bead_records(project.db, [pair], level="clause", confirmed_only=True))
    assert [(r.within.bead, r.within.clause, r.ja) for r in records if r.within] == [
        (2, 1, ("両国は会合を開く。",))
    ]
    # a confirmed sentence bead counts too, whatever its clause beads say
    state = beads.load_pair(project.db, "p")
    beads.change_beads(
        project, state, edit.confirm(list(state.beads), 0), action="confirm", summary="c", cursor=0
    )
    records = list(bead_records(project.db, [pair], level="clause", confirmed_only=True))
    assert [r.as_json()["sentence_bead"] for r in records] == [1, 2]


def test_english_written_for_a_clause_goes_inside_its_sentence_and_undo_takes_it_out(
    project: Project,
) -> None:
    zoom = clauses.load_clauses(project.db, "p", 0)
    text = get_document(project.db, zoom.sentences.pair.id, "en").text  # type: ignore[union-attr]
    zoom = clauses.cut_piece(project, zoom, "en", 0, text.index("and make"))
    zoom = clauses.change_clauses(project, zoom, edit.split, 0, action="split", summary="split")
    zoom = clauses.change_clauses(
        project, zoom, lambda b, i: edit.split(b, i, 2, 1), 1, action="split", summary="split"
    )
    assert [b.type for b in zoom.beads] == ["1-1", "1-0", "1-1"]  # 協力を進め、 has no English of its own
    zoom = clauses.write_clause_english(project, zoom, 1, "and advance cooperation")
    en = get_document(project.db, zoom.sentences.pair.id, "en")
    sentence = "Japan will advance cooperation and advance cooperation and make plans."
    assert en is not None and en.text == f"{sentence}\n{EN[1]}\n"
    assert _pieces(project) == [
        "Japan will advance cooperation",
        "and advance cooperation",
        "and make plans.",
        EN[1],
    ]
    assert [(b.type, b.status) for b in zoom.beads][1] == ("1-1", "confirmed")
    sentences = pair_segments(project.db, zoom.sentences.pair, "en")
    assert [s.text for s in sentences] == [sentence, EN[1]] and sentences[1].start == en.text.index(EN[1])
    with pytest.raises(EditError):  # nothing typed: nothing to write
        clauses.write_clause_english(project, zoom, 1, "  ")
    undo.undo(project)
    assert _pieces(project) == ["Japan will advance cooperation", "and make plans.", EN[1]]
    en = get_document(project.db, zoom.sentences.pair.id, "en")
    assert en is not None and en.text == "\n".join(EN) + "\n"


def test_confirmed_clause_beads_survive_a_sentence_realign_of_another_stretch(project: Project) -> None:
    zoom = clauses.load_clauses(project.db, "p", 0)
    zoom = clauses.change_clauses(project, zoom, edit.unlink, 0, action="unlink", summary="unlink")
    zoom = clauses.change_clauses(project, zoom, edit.confirm_through, 3, action="confirm", summary="confirm")
    mine = _shape(project)[:4]
    state = beads.load_pair(project.db, "p")
    state = beads.change_beads(
        project, state, edit.confirm(list(state.beads), 0), action="c", summary="c", cursor=0
    )

    def tear(ja: object, en: object) -> list[Bead]:  # the realigner finds bead 2 untranslated
        return [Bead((0, 1), (0, 0), 0.2), Bead((1, 1), (0, 1), 0.2)]

    after = beads.realign(project, state, 1, tear)
    assert [b.type for b in after.beads] == ["1-1", "1-0", "0-1"]
    shape = _shape(project)
    assert shape[:4] == mine and all(s == "confirmed" for _, _, s in mine)
    assert shape[4:] == [((3, 4), (1, 1), "auto"), ((4, 4), (1, 2), "auto")]
    undo.undo(project)
    assert _shape(project)[4:] == [((3, 4), (1, 2), "auto")]


# --- the same from the command line ---------------------------------------------------------------------


def test_clause_beads_by_number_from_the_command_line(project: Project) -> None:
    import json

    from click.testing import CliRunner

    from tui.cli import cli

    db = str(project.path)
    project.db.close()

    def run(*args: str, code: int = 0) -> str:
        result = CliRunner().invoke(cli, [*args, "--db", db])
        assert result.exit_code == code, result.output
        return result.output

    run("bead", "cut", "p", "1.1", "--before", "and make")
    run("bead", "split", "p", "1.1")
    run("bead", "confirm", "p", "1.1", "1.2", "2")
    rows = json.loads(run("beads", "p", "--level", "clause", "--json"))
    assert [(r["sentence_bead"], r["clause"], r["type"], r["status"]) for r in rows] == [
        (1, 1, "1-1", "confirmed"),
        (1, 2, "2-1", "confirmed"),
        (2, 1, "1-1", "auto"),
    ]
    assert rows[1]["en"] == ["and make plans."]
    assert json.loads(run("beads", "p", "--json"))[1]["status"] == "confirmed"  # bead 2: sentence level
    # out of range, a malformed number, a cut at a piece's start: one line each, nothing changed
    assert "there is no 1.3" in run("bead", "merge", "p", "1.3", code=1)
    assert "counted from 1" in run("bead", "confirm", "p", "1.0", code=2)
    assert "after its start" in run("bead", "cut", "p", "1.2", "--before", "and make", code=1)
    run("bead", "unconfirm", "p", "1.2")
    for _ in range(4):  # the unconfirm, the two confirmations (one per level), the split
        run("undo")
    rows = json.loads(run("beads", "p", "--level", "clause", "--json"))
    assert [r["type"] for r in rows] == ["3-2", "1-1"]
    run("bead", "join", "p", "1.1")
    assert json.loads(run("beads", "p", "--level", "clause", "--json"))[0]["en"] == [EN[0]]


def test_english_written_for_a_sentence_gets_clauses_and_links_its_japanese_clauses(project: Project) -> None:
    state = beads.load_pair(project.db, "p")
    state = beads.change_beads(
        project, state, edit.unlink(list(state.beads), 0), action="x", summary="x", cursor=0
    )
    assert [(b.ja, b.en) for b in get_beads(project.db, state.pair.id, "clause")][:2] == [
        ((0, 3), (0, 0)),
        ((3, 3), (0, 1)),
    ]
    beads.write_english(project, state, 0, "Japan advances cooperation; it makes plans.")
    # the new English is cut into clauses like imported English, and the sentence bead's clauses are one bead
    assert _pieces(project)[:2] == ["Japan advances cooperation; ", "it makes plans."]
    assert _shape(project)[0] == ((0, 3), (0, 2), "auto")
    undo.undo(project)
    assert _pieces(project) == EN


def test_english_written_where_a_pair_had_none_is_cut_into_clauses(tmp_path: Path) -> None:
    p = Project.open(tmp_path / "taiyaku.db", user="ana")
    with write(p.db):
        pair_id = create_pair(p.db, "ja-only")
        doc, ss, cs = _document("ja", JA, JA_CLAUSES)
        insert_document(p.db, pair_id, doc, ss, cs)
    state = beads.load_pair(p.db, "ja-only")
    beads.write_english(p, state, 0, "Japan will advance cooperation and make plans.")
    pair = get_pair(p.db, "ja-only")
    assert [c.text for c in pair_segments(p.db, pair, "en", "clause")] == [
        "Japan will advance cooperation and make plans."
    ]
    beads.align_pairs(p, [pair], level="clause", use_embeddings=False)  # what the first zoom does
    zoom = clauses.load_clauses(p.db, "ja-only", 0)
    assert zoom.run is not None and [b.type for b in zoom.beads] == ["3-1"]


def test_a_cut_clears_its_beads_score_and_undo_gives_it_back(project: Project) -> None:
    zoom = clauses.load_clauses(project.db, "p", 0)
    assert zoom.beads[0].score == 1.0
    text = get_document(project.db, zoom.sentences.pair.id, "en").text  # type: ignore[union-attr]
    zoom = clauses.cut_piece(project, zoom, "en", 0, text.index("and make"))
    assert zoom.beads[0].score is None  # the aligner never saw this bead with two pieces
    assert zoom.clauses.beads[1].score == 1.0  # the other sentence bead's clause bead is untouched
    undo.undo(project)
    assert clauses.load_clauses(project.db, "p", 0).beads[0].score == 1.0
