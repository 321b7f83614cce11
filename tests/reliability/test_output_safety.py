"""Issue 12, items 1–3: `-o` never destroys the project, never turns a device, FIFO or symlink into a regular
file, refuses read-only targets, and `taiyaku backup OUT` gives a copy with every committed change."""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest
from rel_harness import assert_clean_error, content_digest, integrity, run_cli, table_count

from alignment import outfile
from alignment.project import ProjectError

# Every command that writes a file with -o: (arguments before -o).
EXPORTS = {
    "beads-tsv": ("export", "pair-000", "--format", "tsv"),
    "glossary-csv": ("glossary", "export", "--format", "csv"),
    "spans-jsonl": ("spans", "export", "--all", "--format", "jsonl"),
}


@pytest.mark.parametrize("kind", sorted(EXPORTS))
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm"])
def test_output_over_the_project_or_its_files_is_refused(project: Path, kind: str, suffix: str) -> None:
    # a connection kept open keeps the -wal and -shm files in place, as the app does
    holder = sqlite3.connect(project)
    holder.execute("SELECT count(*) FROM pairs").fetchone()
    try:
        target = project.with_name(project.name + suffix)
        assert target.exists()
        before = content_digest(project)
        proc = run_cli(*EXPORTS[kind], "-o", target, db=project)
        assert_clean_error(proc, contains="project")
        assert content_digest(project) == before
        assert integrity(project) == "ok"
    finally:
        holder.close()


def test_output_over_the_project_by_another_name_is_refused(project: Path, tmp_path: Path) -> None:
    link = tmp_path / "same-file.tsv"
    os.link(project, link)  # a hard link: the same inode under another name
    proc = run_cli(*EXPORTS["beads-tsv"], "-o", link, db=project)
    assert_clean_error(proc, contains="project")
    assert table_count(project, "beads") > 0


def test_output_over_another_sqlite_file_is_refused(project: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    proc = run_cli(*EXPORTS["glossary-csv"], "-o", other, db=project)
    assert_clean_error(proc, contains="sqlite")


def test_output_through_a_symlink_writes_its_target(project: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.tsv"
    real.write_text("old\n")
    link = tmp_path / "link.tsv"
    link.symlink_to(real)
    proc = run_cli(*EXPORTS["beads-tsv"], "-o", link, db=project)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").count("\n") == 30


def test_output_into_a_fifo_streams_and_keeps_the_fifo(project: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    proc = run_cli(*EXPORTS["beads-tsv"], "-o", fifo, db=project)
    reader.join(timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got and got[0].decode().count("\n") == 30


def test_output_to_a_full_device_is_one_line_and_the_device_stays(project: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    proc = run_cli(*EXPORTS["glossary-csv"], "-o", "/dev/full", db=project)
    # /dev/full accepts the open and fails the write: the error names it, and it is still a device
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    if proc.returncode != 0:
        assert_clean_error(proc, contains="/dev/full")


def test_read_only_output_is_refused_and_stays_read_only(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "keep.tsv"
    target.write_text("precious\n")
    target.chmod(0o444)
    proc = run_cli(*EXPORTS["beads-tsv"], "-o", target, db=project)
    assert_clean_error(proc, contains="read-only")
    assert target.read_text() == "precious\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444


def test_replacing_a_file_keeps_its_permissions(project: Path, tmp_path: Path) -> None:
    target = tmp_path / "private.tsv"
    target.write_text("old\n")
    target.chmod(0o600)
    assert run_cli(*EXPORTS["beads-tsv"], "-o", target, db=project).returncode == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "old" not in target.read_text()


def test_dash_is_stdout_for_every_export(project: Path, tmp_path: Path) -> None:
    for kind, args in EXPORTS.items():
        proc = run_cli(*args, "-o", "-", db=project, cwd=tmp_path)
        assert proc.returncode == 0, (kind, proc.stderr)
        assert proc.stdout.strip(), kind
    assert not (tmp_path / "-").exists()


def test_a_failed_write_names_the_file_not_a_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"

    def fail(tmp: Path) -> None:
        raise OSError(28, "No space left on device", str(tmp))

    with pytest.raises(ProjectError) as err:
        outfile.write_file(target, fail)
    assert str(target) in str(err.value) and ".tmp" not in str(err.value)
    assert "no space" in str(err.value)
    assert list(tmp_path.iterdir()) == []  # no temporary left behind


def test_backup_has_every_committed_change_while_a_reader_holds_the_wal(
    project: Path, tmp_path: Path
) -> None:
    # the app keeps a connection open; edits made meanwhile must reach a copy of the project file
    app = sqlite3.connect(project)
    app.execute("SELECT count(*) FROM pairs").fetchone()
    try:
        proc = run_cli("glossary", "add", "--ja", "防衛", "--en", "defence", db=project)
        assert proc.returncode == 0, proc.stderr
        copy = tmp_path / "copy.db"
        copy.write_bytes(project.read_bytes())  # what scp or a sync tool does: the main file only
        assert table_count(copy, "glossary_entries") == 1
        out = tmp_path / "backup.db"
        proc = run_cli("backup", out, db=project)
        assert proc.returncode == 0, proc.stderr
        assert integrity(out) == "ok"
        assert not out.with_name(out.name + "-wal").exists()
        assert table_count(out, "glossary_entries") == 1
        assert table_count(out, "beads") == table_count(project, "beads")
        assert_clean_error(run_cli("backup", project, db=project), contains="project")
    finally:
        app.close()


def test_demo_is_not_rebuilt_under_a_program_that_has_it_open(tmp_path: Path) -> None:
    """Item 4: the app's later edits would go to the deleted file without a word."""
    import subprocess
    import sys

    from tui.demo import build_demo

    target, _ = build_demo(tmp_path, seed_list=[], steps=[])
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(target)!r}); c.execute('PRAGMA journal_mode=WAL')\n"
            "c.execute('SELECT count(*) FROM sqlite_master').fetchone(); print('open', flush=True)\n"
            "time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(ProjectError, match="open in another program"):
            build_demo(tmp_path, seed_list=[], steps=[])
    finally:
        holder.kill()
        holder.wait()
    rebuilt, _ = build_demo(tmp_path, seed_list=[], steps=[])  # closed: rebuilt as before
    assert rebuilt == target and target.exists()
