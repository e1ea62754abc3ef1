"""`ctxh-plan` — the command-line face of the library.

Each verb lives in ``ctxh_plan/commands/<verb>.py`` and exposes
``add_parser(subparsers)`` and ``run(args) -> int``. This module only builds the
parser, dispatches, and turns typed errors into a clear message and an exit code
(0 ok, 1 bad input or a failed unit, 2 usage, 130 interrupted). ``--debug``
shows tracebacks.
"""
from __future__ import annotations

import argparse
import errno
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from ctxh_plan.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_USAGE, CtxhError

__all__ = ["VERBS", "build_parser", "describe_os_error", "main"]

log = logging.getLogger(__name__)

#: verb → module under ctxh_plan.commands (order = order in --help)
VERBS = ("validate", "evaluate", "forecast", "project", "rebase", "appendix", "adopt", "form", "collect", "track",
         "report", "batch")

_DESCRIPTION = """\
ctxh-plan: lập kế hoạch và theo dõi chỉ tiêu công tác trẻ em.
Planning and target tracking for child-affairs work in Vietnamese provinces.

Typical order: validate your data, evaluate 2021–2025, project 2026–2030,
write the appendices, or run everything per unit with `batch`. Once the plan is adopted,
each period: adopt → form → collect → track → report.
"""


class _Parser(argparse.ArgumentParser):
    """argparse parser that exits with code 2 and a one-line hint on usage errors."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n(run `{self.prog} --help` for help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ctxh-plan", description=_DESCRIPTION,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="language of messages and labels (default: vi)")
    sub = parser.add_subparsers(dest="verb", metavar="COMMAND", parser_class=_Parser)
    for verb in VERBS:
        try:
            mod = importlib.import_module(f"ctxh_plan.commands.{verb}")
        except ModuleNotFoundError as exc:
            if exc.name == f"ctxh_plan.commands.{verb}":
                continue  # verb not built yet
            raise
        mod.add_parser(sub)
    return parser


def _report(exc: BaseException | str, lang: str) -> None:
    """Print an error (or its one-line description) to stderr after "Lỗi:" / "Error:"."""
    head = "Lỗi" if lang == "vi" else "Error"
    print(f"{head}: {exc}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code (also used by the console script)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.verb:
        parser.print_help()
        return EXIT_USAGE
    debug = getattr(args, "debug", False)
    try:
        from ctxh_plan.commands.guard import check_command_outputs

        check_command_outputs(args)  # no verb writes over its inputs or into a dataset folder
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("Interrupted / Đã dừng theo yêu cầu", file=sys.stderr)
        return EXIT_INTERRUPTED
    except CtxhError as exc:
        if debug:
            raise
        _report(exc, args.lang)
        return exc.exit_code
    except OSError as exc:  # a path that does not exist, a folder where a file is expected, a full disk…
        if debug:
            raise
        _report(describe_os_error(exc), args.lang)
        return EXIT_BAD_INPUT
    except Exception as exc:
        if debug:
            raise
        log.debug("internal error in `%s`", args.verb, exc_info=True)
        _report(f"lỗi nội bộ / internal error in `{args.verb}`: {type(exc).__name__}: {exc} — fix: run again "
                f"with --debug and report the traceback (no output file was left half-written)", args.lang)
        return EXIT_BAD_INPUT


#: errno → how to fix it, for the one-line message of :func:`describe_os_error`
_OS_FIXES = {
    errno.ENOENT: "check the path / kiểm tra đường dẫn",
    errno.EACCES: "check permissions, or choose a folder you can write to / kiểm tra quyền ghi",
    errno.EPERM: "check permissions, or choose a folder you can write to / kiểm tra quyền ghi",
    errno.EISDIR: "give a file name, not a folder / đưa tên tệp, không phải thư mục",
    errno.ENOTDIR: "a part of the path is a file, not a folder — choose another output folder / "
                   "một phần của đường dẫn là tệp, không phải thư mục",
    errno.ENOSPC: "free some disk space / giải phóng dung lượng đĩa",
    errno.EROFS: "the disk is read-only — choose another output folder / ổ đĩa chỉ đọc",
}


def describe_os_error(exc: OSError) -> str:
    """One line for an OS error: what, which path, how to fix (no traceback)."""
    what = exc.strerror or type(exc).__name__
    where = f": {exc.filename}" if exc.filename else ""
    if getattr(exc, "filename2", None):
        where += f" → {exc.filename2}"
    fix = _OS_FIXES.get(exc.errno or -1, "check the path and permissions / kiểm tra đường dẫn và quyền")
    return f"{what}{where} — fix: {fix}"


def console_main() -> None:  # pragma: no cover - entry point
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    console_main()
