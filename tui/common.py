"""Shared pieces of the click CLI: the project option, one-line errors, tables and --json output."""

from __future__ import annotations

import contextlib
import functools
import getpass
import json
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import click

from alignment.errors import ProjectError, project_error_from_sqlite

if TYPE_CHECKING:
    from sqlite_utils import Database

    from tui.core.project import Project

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def default_user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return os.environ.get("USER", "analyst")


def db_option(f: F) -> F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(),  # a folder is refused by open_project, in one line like every project error
        default=None,
        envvar="TAIYAKU_DB",
        show_envvar=True,
        help="Project file (default: ./taiyaku.db).",
    )(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of a table.")(
        f
    )


def quiet_option(f: F) -> F:
    return click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")(f)


def keys_option(what: str) -> Callable[[F], F]:
    """`--quiet` on a listing: only the keys, one per line, to feed other commands (like `docker ps -q`)."""
    return click.option("--quiet", "-q", is_flag=True, help=f"Print only {what}, one per line (for scripts).")


def print_keys(keys: Iterable[Any], *, as_json: bool) -> None:
    if as_json:
        raise click.UsageError("give --json or --quiet, not both")
    from alignment.text import printable  # stored text never drives the terminal (escapes shown as ␛)

    click.echo("".join(f"{printable(str(k))}\n" for k in keys), nl=False)


def user_option(f: F) -> F:
    return click.option(
        "--user",
        default=default_user,
        show_default="login name",
        help="Who is doing this (recorded with every change).",
    )(f)


def open_db(db_path: str | None, *, create: bool = True, readonly: bool = False) -> Database:
    """The CLI opens projects through the application layer (tui.core.project), imported here on first
    use: it loads sqlite-utils, which `taiyaku --help` and `glossary lookup` must not pay for."""
    from tui.core.project import open_db as open_project_db

    return open_project_db(db_path, create=create, readonly=readonly)


def open_project(db_path: str | None, *, user: str, create: bool = True) -> Project:
    """The project a command changes, with the person changing it (every change goes to the history)."""
    from tui.core.project import Project

    return Project.open(db_path, user=user, create=create)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


_NO_WRAP_CHARS = 32
_NUMBER = re.compile(r"[-+]?[\d.,%–]*")


def console_width() -> int:
    """The width tables are drawn at (rich's: the terminal, or COLUMNS, else 80)."""
    from rich.console import Console

    return Console().width


def print_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], title: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    from alignment.text import printable  # stored text never drives the terminal (escapes shown as ␛)

    cells = [["" if v is None else printable(str(v)) for v in row] for row in rows]
    table = Table(title=title, show_lines=False, header_style="bold")
    for i, col in enumerate(columns):
        # A short key in the first column (a pair name, an id) never wraps, so it can be copied whole; a
        # column of numbers is never narrower than its numbers or a word of its header (headers wrap
        # between words), so the columns of words give up the width.
        key = i == 0 and all(len(r[i]) <= _NO_WRAP_CHARS and " " not in r[i] for r in cells)
        number = all(_NUMBER.fullmatch(r[i]) for r in cells)
        widest = max([len(w) for w in col.split()] + [len(r[i]) for r in cells], default=0)
        table.add_column(col, overflow="fold", no_wrap=key, min_width=widest if key or number else None)
    for row in cells:
        table.add_row(*row)
    Console().print(table)


def progress(
    iterable: Iterable[T],
    *,
    label: str,
    length: int | None = None,
    quiet: bool = False,
    lines: bool = False,
) -> contextlib.AbstractContextManager[Iterable[T]]:
    """A progress bar on stderr, so stdout stays clean for --json and exports.

    `lines`: when stderr is not a terminal (a log file, CI, nohup), a long job still says how far it is,
    with a plain line every PROGRESS_LINE_SECONDS (see _LineBar) instead of nothing.
    """
    if quiet:
        return _NullBar(iterable)
    if not sys.stderr.isatty() and os.environ.get("TAIYAKU_PROGRESS") != "1":
        if lines and length:
            return _LineBar(iterable, label, length)
        return _NullBar(iterable)
    return click.progressbar(iterable, label=label, length=length, file=sys.stderr)


PROGRESS_LINE_SECONDS = 5.0
"""How often a job reports a plain progress line when stderr is not a terminal."""


class _LineBar(Generic[T]):
    """`label: 12,000 of 130,000 (9%), about 14 min left…` on stderr every PROGRESS_LINE_SECONDS.

    The clock starts at the first item done (loading a model is not progress), and a job that ends within
    the interval prints nothing. Lines end with `…`, as status lines do (scripts can tell them from errors).
    """

    def __init__(self, iterable: Iterable[T], label: str, length: int) -> None:
        self._it, self._label, self._length = iterable, label, length
        self._done = 0
        self._started: float | None = None
        self._last = 0.0
        self._first = 0

    def update(self, n: int) -> None:
        import time

        now = time.monotonic()
        self._done += n
        if self._started is None:
            self._started, self._last, self._first = now, now, self._done
            return
        if self._done >= self._length or now - self._last < PROGRESS_LINE_SECONDS:
            return
        self._last = now
        rate = (self._done - self._first) / max(now - self._started, 1e-9)
        left = (self._length - self._done) / rate if rate > 0 else 0.0
        eta = f"about {left / 60:.0f} min left" if left >= 90 else f"about {left:.0f} s left"
        share = 100 * self._done // self._length
        click.echo(f"{self._label}: {self._done:,} of {self._length:,} ({share}%), {eta}…", err=True)

    def __iter__(self) -> Iterator[T]:
        for item in self._it:
            yield item
            self.update(1)

    def __enter__(self) -> _LineBar[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


class StageBars:
    """Progress bars opened lazily, one per stage, once the stage knows its total.

    Domain code reports `(stage, done, total)`; the bars live here so `alignment/` and `glossary/` stay
    free of UI. Use as a context manager so the bars are closed (and the line ended) on errors too.
    """

    def __init__(
        self, labels: dict[str, str] | None = None, *, suffix: str = "", quiet: bool = False
    ) -> None:
        self._labels, self._suffix, self._quiet = labels or {}, suffix, quiet
        self._bars: dict[str, tuple[Any, Any, int]] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total <= 0:
            return
        if stage not in self._bars:
            label = " ".join(x for x in (self._labels.get(stage, stage), self._suffix) if x)
            ctx = progress(range(total), label=label, length=total, quiet=self._quiet)
            self._bars[stage] = (ctx, ctx.__enter__(), 0)
        ctx, bar, seen = self._bars[stage]
        update = getattr(bar, "update", None)
        if callable(update) and done > seen:
            update(done - seen)
        self._bars[stage] = (ctx, bar, max(seen, done))

    def stage(self, stage: str) -> Callable[[int, int], None]:
        """A `(done, total)` callback for one stage."""
        return lambda done, total: self(stage, done, total)

    def close(self) -> None:
        for ctx, _, _ in self._bars.values():
            ctx.__exit__(None, None, None)
        self._bars.clear()

    def __enter__(self) -> StageBars:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _NullBar(Generic[T]):
    def __init__(self, iterable: Iterable[T]) -> None:
        self._it = iterable

    def __enter__(self) -> Iterable[T]:
        return self._it

    def __exit__(self, *exc: object) -> None:
        return None


class UsageFailure(click.ClickException):
    """A usage error shown in one line; exits 2, click's convention for usage errors (failures exit 1)."""

    exit_code = 2


class TaiyakuGroup(click.Group):
    """Turns every error into one line on stderr and a non-zero exit: users never see a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            # One line, like every other error: the usage block would push the reason off a narrow terminal.
            where = exc.ctx.command_path if exc.ctx else "taiyaku"
            raise UsageFailure(f"{exc.format_message()} (see `{where} --help`)") from None
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except ProjectError as exc:
            raise click.ClickException(str(exc)) from None
        except (
            sqlite3.DatabaseError
        ) as exc:  # e.g. a lock held past the timeout outside `write`, a damaged page
            if os.environ.get("TAIYAKU_DEBUG"):
                raise
            raise click.ClickException(str(project_error_from_sqlite(exc))) from None
        except KeyboardInterrupt:
            raise click.exceptions.Exit(130) from None
        except BrokenPipeError:
            raise click.exceptions.Exit(0) from None
        except OverflowError as exc:
            if "SQLite INTEGER" not in str(exc) or os.environ.get("TAIYAKU_DEBUG"):
                raise
            raise click.ClickException(
                "a number given is too large: no id or number reaches 2**63 (9223372036854775807)"
            ) from None
        except UnicodeEncodeError as exc:
            if "surrogates" not in str(exc) or os.environ.get("TAIYAKU_DEBUG"):
                raise
            # a file name with bytes that are not UTF-8 reaches the project as a name or path
            raise click.ClickException(
                "a file name holds bytes that are not UTF-8; rename the file (or give --name) and retry"
            ) from None
        except MemoryError:
            raise click.ClickException("out of memory (is the input file too large?)") from None
        except Exception as exc:  # the last line of defence, see class docstring
            if os.environ.get("TAIYAKU_DEBUG"):
                raise
            # one line, whatever the exception's text holds (parsers put newlines and whole inputs in it)
            text = " ".join(str(exc).split())
            text = text if len(text) <= 300 else text[:297] + "..."
            raise click.ClickException(
                f"{type(exc).__name__}: {text} (set TAIYAKU_DEBUG=1 for details)"
            ) from None


def domain_errors(f: F) -> F:
    """Map domain errors to click errors for commands outside a TaiyakuGroup (tests call commands directly)."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except ProjectError as exc:
            raise click.ClickException(str(exc)) from None
        except sqlite3.DatabaseError as exc:
            raise click.ClickException(str(project_error_from_sqlite(exc))) from None

    return cast(F, wrapper)  # functools.wraps keeps the signature click reads
