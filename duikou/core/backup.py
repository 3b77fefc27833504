"""`duikou backup` / `duikou restore`: the database, the uploads and the keys' fingerprints in
one archive.

The archive (tar.gz) holds `manifest.json` (format version, time, database engine, rows per
table, the SHA-256 fingerprints of the secret key and of each field key, every file with its
size and hash), the database (`db.sqlite3` by SQLite's online backup API, or `db.dump` by
`pg_dump -Fc`) and the uploads under `media/` as stored (sealed files stay sealed). The keys
themselves are never in it: keep them apart (a password manager, a second medium). A restore
refuses when the configured keys are not the ones the manifest names, or when the database
already holds accounts, unless forced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone

from duikou.core import crypto, files

FORMAT = 1
DB_SQLITE = "db.sqlite3"
DB_PG = "db.dump"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in Chinese."""


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fingerprints() -> dict[str, Any]:
    return {
        "secret_key": hashlib.sha256(settings.SECRET_KEY.encode()).hexdigest(),
        "field_keys": crypto.key_fingerprints(),
    }


def table_counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy
    }


def _engine(alias: str = "default") -> str:
    engine = connections[alias].settings_dict["ENGINE"]
    if "sqlite" in engine:
        return "sqlite"
    if "postgres" in engine:
        return "postgresql"
    raise BackupError(f"不支持的数据库：{engine}")


def _pg_env(alias: str = "default") -> tuple[list[str], dict[str, str]]:
    s = connections[alias].settings_dict
    args = ["-d", s["NAME"]]
    if s.get("HOST"):
        args += ["-h", s["HOST"]]
    if s.get("PORT"):
        args += ["-p", str(s["PORT"])]
    if s.get("USER"):
        args += ["-U", s["USER"]]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端工具（与服务器同一大版本）。")
    return path


def _dump_database(target: Path) -> None:
    engine = _engine()
    if engine == "sqlite":
        conn = connections["default"]
        conn.ensure_connection()
        dest = sqlite3.connect(target)
        try:
            conn.connection.backup(dest)  # consistent while the server keeps writing
        finally:
            dest.close()
    else:
        args, env = _pg_env()
        run = subprocess.run(
            [_tool("pg_dump"), "-Fc", "--no-owner", "--no-acl", "-f", str(target), *args],
            env=env,
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            raise BackupError("pg_dump 失败：" + run.stderr.strip()[-500:])


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.name.endswith(".part"))


def backup(output: str | os.PathLike[str]) -> tuple[Path, dict[str, Any]]:
    """Write the archive (to `output`, or into it when it is a directory); (path, manifest)."""
    output = Path(output)
    if output.is_dir():
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        output = output / f"duikou-backup-{stamp}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine()
    root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="duikou-backup-", dir=output.parent) as work:
        db_name = DB_SQLITE if engine == "sqlite" else DB_PG
        db_path = Path(work) / db_name
        _dump_database(db_path)
        media = [
            {
                "path": p.relative_to(root).as_posix(),
                "size": p.stat().st_size,
                "sha256": _sha256_file(p),
            }
            for p in _media_files()
        ]
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": engine,
            "database": {"file": db_name, "sha256": _sha256_file(db_path)},
            "tables": table_counts(),
            "fingerprints": fingerprints(),
            "media": media,
        }
        try:
            with files.atomic_path(output) as tmp, tarfile.open(tmp, "w:gz") as tar:
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size, info.mtime, info.mode = (
                    len(data),
                    int(dt.datetime.now().timestamp()),
                    0o600,
                )
                tar.addfile(info, io.BytesIO(data))
                tar.add(db_path, arcname=db_name)
                for entry in media:
                    tar.add(root / entry["path"], arcname="media/" + entry["path"])
        except OSError as exc:
            raise BackupError(files.disk_error_message(exc)) from exc
    return output, manifest


def read_manifest(archive: str | os.PathLike[str]) -> dict[str, Any]:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile("manifest.json")
        if member is None:
            raise BackupError("不是 Duikou 的备份文件（没有 manifest.json）。")
        return json.loads(member.read())


def key_problems(manifest: dict[str, Any]) -> list[str]:
    """Why the configured keys cannot read this backup (empty: they can)."""
    mine = fingerprints()
    theirs = manifest.get("fingerprints", {})
    problems = []
    missing = [f for f in theirs.get("field_keys", []) if f not in mine["field_keys"]]
    if missing:
        problems.append(
            "备份所需的字段密钥（DUIKOU_FIELD_KEY）未配置，指纹："
            + "、".join(f[:16] for f in missing)
            + "。身份证号、电话和加密的上传文件将无法解密。"
        )
    if theirs.get("secret_key") != mine["secret_key"]:
        problems.append("密钥（DUIKOU_SECRET_KEY）与备份时不同：所有登录会话和签名链接将失效。")
    return problems


def database_is_empty() -> bool:
    from duikou.accounts.models import User

    return not User.objects.exists()


def _restore_database(path: Path, engine: str) -> None:
    connections.close_all()
    if engine == "sqlite":
        conn = connections["default"]
        conn.ensure_connection()
        src = sqlite3.connect(path)
        try:
            src.backup(conn.connection)
        finally:
            src.close()
        conn.close()
    else:
        args, env = _pg_env()
        run = subprocess.run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-acl",
                "--single-transaction",
                *args,
                str(path),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if run.returncode != 0:
            raise BackupError("pg_restore 失败：" + run.stderr.strip()[-500:])


def restore(archive: str | os.PathLike[str], *, force: bool = False) -> dict[str, Any]:
    """Put the archive's database and uploads back; the manifest. Refuses (BackupError) on
    other keys or a database that holds accounts, unless forced; checks every hash first."""
    manifest = read_manifest(archive)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持。")
    engine = _engine()
    if manifest["engine"] != engine:
        raise BackupError(f"备份来自 {manifest['engine']}，当前数据库是 {engine}：不能直接恢复。")
    problems = key_problems(manifest)
    if problems and not force:
        raise BackupError("\n".join([*problems, "确认无误后可加 --force 强制恢复。"]))
    if not force and not database_is_empty():
        raise BackupError("当前数据库已有账号和数据；恢复会覆盖它们。确认后加 --force。")
    root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="duikou-restore-") as work:
        work_path = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work_path, filter="data")
        db_path = work_path / manifest["database"]["file"]
        if _sha256_file(db_path) != manifest["database"]["sha256"]:
            raise BackupError("备份中的数据库文件已损坏（校验值不符）。")
        for entry in manifest["media"]:
            if _sha256_file(work_path / "media" / entry["path"]) != entry["sha256"]:
                raise BackupError(f"备份中的文件 {entry['path']} 已损坏（校验值不符）。")
        _restore_database(db_path, engine)
        for entry in manifest["media"]:
            target = root / entry["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            with files.atomic_path(target) as tmp:
                shutil.copyfile(work_path / "media" / entry["path"], tmp)
    return manifest
