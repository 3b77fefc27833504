"""Uploaded files: checked by their content, capped per record, served safely.

One helper for every upload (a money flow's evidence, a progress report's photos, a person's
photo). A file's name says nothing about what it holds: an HTML page renamed `evil.pdf` used to
be accepted and served inline, where the browser would run its scripts on our origin. So:

- `check_file` reads the content: a PDF must begin with `%PDF-`, an image must be decoded by
  Pillow (verify, then load) as JPEG, PNG, GIF or WebP; the kind the name announces must be the
  kind found. Anything else is refused with a Chinese message naming the file.
- `check_caps` caps the files and the bytes of one record (settings
  DUIKOU_UPLOAD_MAX_FILES_PER_RECORD, DUIKOU_UPLOAD_MAX_BYTES_PER_RECORD).
- `file_response` serves a stored file by what its bytes are, never by its name: an image
  inline under its real type, anything else as an attachment; always `nosniff`, never cached.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from duikou.core import crypto

PDF = "pdf"
IMAGE = "image"
EXTENSIONS = {
    "pdf": PDF,
    "jpg": IMAGE,
    "jpeg": IMAGE,
    "png": IMAGE,
    "gif": IMAGE,
    "webp": IMAGE,
}
# Pillow's format name → the content type an image is served under.
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
PDF_MAGIC = b"%PDF-"
DEFAULT_MAX_FILES = 20
DEFAULT_MAX_BYTES = 100 * 1024 * 1024


def max_files_per_record() -> int:
    return int(getattr(settings, "DUIKOU_UPLOAD_MAX_FILES_PER_RECORD", DEFAULT_MAX_FILES))


def max_bytes_per_record() -> int:
    return int(getattr(settings, "DUIKOU_UPLOAD_MAX_BYTES_PER_RECORD", DEFAULT_MAX_BYTES))


def _read(file) -> bytes:
    """The whole content of an uploaded (or stored) file, leaving it rewound."""
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read()
    if hasattr(file, "seek"):
        file.seek(0)
    return data


def image_format(data: bytes) -> str | None:
    """Pillow's name of the image format when `data` is a whole, decodable image we accept."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            img.verify()  # structure and checksums; the image is unusable after it
        with Image.open(io.BytesIO(data)) as img:
            img.load()  # every pixel decodes
            fmt = img.format
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return fmt if fmt in IMAGE_TYPES else None


def sniff(data: bytes) -> str | None:
    """PDF or IMAGE by content (None: neither)."""
    if data.startswith(PDF_MAGIC):
        return PDF
    if image_format(data):
        return IMAGE
    return None


def check_file(file, *, kinds: Iterable[str] = (PDF, IMAGE)) -> str:
    """Refuse a file whose content is not one of `kinds` or not what its name says; the kind."""
    name = os.path.basename(getattr(file, "name", "") or "")
    allowed = set(kinds)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    announced = EXTENSIONS.get(ext)
    found = sniff(_read(file))
    if found is None or found not in allowed or (announced and announced != found):
        if allowed == {IMAGE}:
            message = _("文件“%(name)s”不是可识别的图片（须为 JPG、PNG、GIF 或 WebP）。")
        elif announced == PDF:
            message = _("文件“%(name)s”的内容不是 PDF 文件。")
        elif announced == IMAGE:
            message = _("文件“%(name)s”的内容不是可识别的图片。")
        else:
            message = _("文件“%(name)s”的内容不是 PDF 或图片，不能上传。")
        raise ValidationError(message % {"name": name}, code="content")
    return found


def check_caps(sizes: Iterable[int], *, existing_files: int = 0, existing_bytes: int = 0) -> None:
    """Refuse more files, or more bytes, on one record than the settings allow."""
    sizes = list(sizes)
    limit = max_files_per_record()
    if existing_files + len(sizes) > limit:
        raise ValidationError(
            _("每条记录最多 %(max)s 个文件（已有 %(have)s 个，本次 %(new)s 个）。")
            % {"max": limit, "have": existing_files, "new": len(sizes)},
            code="too_many",
        )
    total = existing_bytes + sum(sizes)
    cap = max_bytes_per_record()
    if total > cap:
        raise ValidationError(
            _("每条记录的文件合计不能超过 %(max)s（本次合计 %(total)s）。")
            % {"max": filesizeformat(cap), "total": filesizeformat(total)},
            code="too_big",
        )


def stored_size(field) -> int:
    try:
        return field.size
    except (OSError, ValueError):
        return 0


def served_image_type(data: bytes) -> str | None:
    """The content type an image is served under, told by its first bytes (cheap; the content
    was decoded at upload). With `nosniff` a browser never runs such a file as a page."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def file_response(field, filename: str) -> FileResponse:
    """Serve a stored file (sealed or not) by its content: images inline under their own type,
    anything else as an attachment. Raises FileNotFoundError when the file is gone."""
    with field.open("rb") as fh:
        data = crypto.unseal(fh.read())
    image_type = served_image_type(data)
    if image_type:
        response = FileResponse(io.BytesIO(data), filename=filename, content_type=image_type)
    else:
        content_type = "application/pdf" if data.startswith(PDF_MAGIC) else None
        response = FileResponse(
            io.BytesIO(data),
            as_attachment=True,
            filename=filename,
            content_type=content_type or "application/octet-stream",
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
