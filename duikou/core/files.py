"""Files the platform writes (error workbooks, exports, backups): whole or not at all.

Each is written to a temporary file beside its target and renamed over it once complete, so a
full disk (ENOSPC) or a crash leaves the previous file or none, never half of one; the error is
raised as a clear OSError (`disk_error_message` words it for people).
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _


def disk_error_message(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _("磁盘空间不足，文件未写入（没有留下不完整的文件）。请清理磁盘后重试。")
    return _("文件未能写入：%(e)s（没有留下不完整的文件）。") % {"e": exc.strerror or exc}


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], *, mode: int = 0o600) -> Iterator[Path]:
    """A temporary path to write to; renamed to `target` when the block ends without error,
    removed otherwise."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        os.chmod(tmp_path, mode)
        yield tmp_path
        with open(tmp_path, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def atomic_write(target: str | os.PathLike[str], data: bytes, *, mode: int = 0o600) -> None:
    """Write `data` to `target` whole or not at all."""
    with atomic_path(target, mode=mode) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


class AtomicFileSystemStorage(FileSystemStorage):
    """The uploads storage (MEDIA_ROOT): a stored file appears complete or not at all."""

    def _save(self, name: str, content) -> str:
        tmp = f"{name}.{uuid.uuid4().hex[:12]}.part"
        try:
            saved = super()._save(tmp, content)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(self.path(tmp))
            raise
        final = self.get_available_name(name)
        os.replace(self.path(saved), self.path(final))
        return final.replace("\\", "/")
