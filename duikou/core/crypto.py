"""Personal data at rest: Fernet ciphertext, and a keyed hash to find a record by its value.

Used by the people ledger (ID numbers, phones) and by the import engine (uploads holding
personal data are stored sealed under the same key).

The key comes from the environment variable DUIKOU_FIELD_KEY (one or more Fernet keys,
comma-separated, newest first: MultiFernet decrypts with any and encrypts with the first), or
is generated once into the data dir file `field_key`, readable by its owner only, like the
secret key in settings. It is never in the repository. Lose it and the encrypted values are
lost: back it up beside the database, apart from it.

The search hash is HMAC-SHA256 under a key derived (HKDF) from the first field key, so a
database dump alone does not allow checking guesses of an ID number. Changing the first key
changes every hash: run `duikou people_rekey` after adding a new key in front.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

ENV_VAR = "DUIKOU_FIELD_KEY"
KEY_FILE = "field_key"
# Part of the hash derivation: changing it would change every stored search hash.
INDEX_INFO = b"duikou/people/search-index/v1"
UNREADABLE = "\u2014"  # shown instead of a value that no configured key decrypts


@dataclass(frozen=True)
class _Keys:
    fernet: MultiFernet
    index_key: bytes


_cache: dict[tuple[str, str], _Keys] = {}
_lock = threading.Lock()


def _key_file() -> Path:
    return Path(settings.DATA_DIR) / KEY_FILE


def _read_or_create_key_file(path: Path) -> str:
    if not path.exists():
        try:
            # Written once, readable by the owner only; the data dir is never committed.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it meanwhile
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(Fernet.generate_key().decode())
    return path.read_text().strip()


def _build(raw: str) -> _Keys:
    tokens = [t.strip() for t in raw.split(",") if t.strip()]
    if not tokens:
        raise ImproperlyConfigured(f"{ENV_VAR} is empty")
    try:
        fernets = [Fernet(t.encode()) for t in tokens]
    except (ValueError, TypeError) as exc:
        # Never echo the key itself.
        raise ImproperlyConfigured(
            f"{ENV_VAR} / {KEY_FILE}: not a Fernet key (32 url-safe base64 bytes)"
        ) from exc
    primary = base64.urlsafe_b64decode(tokens[0].encode())
    index_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INDEX_INFO).derive(
        primary
    )
    return _Keys(fernet=MultiFernet(fernets), index_key=index_key)


def _keys() -> _Keys:
    env = os.environ.get(ENV_VAR, "").strip()
    cache_key = (env, str(settings.DATA_DIR))
    keys = _cache.get(cache_key)
    if keys is None:
        with _lock:
            keys = _cache.get(cache_key)
            if keys is None:
                keys = _build(env or _read_or_create_key_file(_key_file()))
                _cache[cache_key] = keys
    return keys


def encrypt(value: str) -> str:
    """Ciphertext of a text value ("" stays "")."""
    if not value:
        return ""
    return _keys().fernet.encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The clear value of a ciphertext ("" stays ""); a dash if no configured key opens it."""
    if not token:
        return ""
    try:
        return _keys().fernet.decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        logger.warning("people: a stored value could not be decrypted with the configured keys")
        return UNREADABLE


def rotate(token: str) -> str:
    """Re-encrypt a ciphertext under the first (newest) key."""
    if not token:
        return ""
    return _keys().fernet.rotate(token.encode("ascii")).decode("ascii")


def blind_index(value: str) -> str:
    """The keyed hash under which a value is searchable (hex, 64 characters)."""
    return hmac.new(_keys().index_key, value.encode(), hashlib.sha256).hexdigest()


def reset_cache() -> None:
    """Forget the loaded keys (tests, key rotation in a running process)."""
    with _lock:
        _cache.clear()


def key_fingerprints() -> list[str]:
    """SHA-256 of each configured field key, newest first: a backup names the keys its data
    needs by these, never by the keys themselves."""
    raw = os.environ.get(ENV_VAR, "").strip() or _read_or_create_key_file(_key_file())
    return [hashlib.sha256(t.strip().encode()).hexdigest() for t in raw.split(",") if t.strip()]


# Files at rest -----------------------------------------------------------------------------

SEALED = b"DUIKOU-SEALED-1\n"  # the first bytes of a stored file that is encrypted


def seal(data: bytes) -> bytes:
    """Encrypt a file's content under the field key (Fernet), marked as sealed."""
    return SEALED + encrypt(base64.b64encode(data).decode("ascii")).encode("ascii")


def unseal(data: bytes) -> bytes:
    """The clear content of a stored file (as it is when it was not sealed)."""
    if not data.startswith(SEALED):
        return data
    text = decrypt(data[len(SEALED) :].decode("ascii"))
    if text == UNREADABLE:
        raise RuntimeError("the stored file cannot be decrypted with the configured field keys")
    return base64.b64decode(text)
