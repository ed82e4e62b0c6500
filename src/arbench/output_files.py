"""Files arbench writes (exports, workbooks, PDFs, screenshots, backups): checked, then replaced whole.

`check_output_file` tells, before any work starts, why a path cannot be written (its folder is
missing, is not a folder or is not writable; the path is a folder). `written` hands a writer a
temporary file beside the target and moves it onto the target only when the writer succeeded
and wrote something, so a failure never leaves a partial file or spoils an existing one.
Failures are `OutputError`s: one line naming the file and what is wrong.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class OutputError(Exception):
    """An output file that cannot be written; the message names it and says why."""


def _label(target: Path, option: str) -> str:
    return f"{option} {target}" if option else str(target)


def check_output_file(path: str | Path, option: str = "") -> Path:
    """The output path, after checking that it can be written (`option` names it in errors)."""
    target = Path(path).expanduser()
    where = _label(target, option)
    if target.is_dir():
        raise OutputError(f"cannot write {where}: it is a folder, give a file name")
    _check_folder(target.parent, where)
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputError(f"cannot write {where}: the file is read-only")
    return target


def check_output_dir(path: str | Path, option: str = "") -> Path:
    """A folder to write files into: an existing, writable folder, or one its parent can hold."""
    target = Path(path).expanduser()
    where = _label(target, option)
    if target.exists():
        if not target.is_dir():
            raise OutputError(f"cannot write into {where}: it is a file, not a folder")
        _check_folder(target, where)
    else:
        _check_folder(target.parent, where)
    return target


def _check_folder(folder: Path, where: str) -> None:
    if not folder.exists():
        raise OutputError(f"cannot write {where}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputError(f"cannot write {where}: {folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {where}: no permission to write in {folder}")


def partial_path(target: Path) -> Path:
    """A new hidden file name beside target, with target's suffix (writers go by the suffix)."""
    return target.with_name(f".{target.stem}.{secrets.token_hex(4)}.partial{target.suffix}")


@contextmanager
def written(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside `path` to write; it becomes `path` only if the block ends
    normally and the file is there and not empty. It is deleted in every other case."""
    target = check_output_file(path)
    partial = partial_path(target)
    try:
        yield partial
        if not partial.is_file() or partial.stat().st_size == 0:
            raise OutputError(f"could not write {target}: nothing was written to it")
        os.replace(partial, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
