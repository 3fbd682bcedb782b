"""Keys kept outside the repository: the HMAC key for national IDs and the badge issuer's signing key.

- **National IDs** are never stored in clear: :func:`hash_national_id` gives HMAC-SHA256 (hex) with a
  key from ``$GOVAI_ID_HMAC_KEY`` (at least 32 characters) or from ``$GOVAI_HOME/records/id-hmac.key``
  (32 random bytes, created on first use with mode 0600; a key file readable by others is refused).
  The same ID and key always give the same hash, so a training officer can match rows; without the
  key the hash cannot be reversed by trying the (few) possible IDs.
- **The badge issuer's key** is an Ed25519 key in ``$GOVAI_HOME/records/badges/issuer-ed25519.pem``
  (0600, created on first use) or ``$GOVAI_BADGE_KEY_FILE``; its public key is the issuer's did:key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import unicodedata
from pathlib import Path

from govai.records.learning import records_dir


def _private_file(path: Path, make: bytes | None = None) -> bytes:
    """Read a 0600 key file (creating it with ``make`` when missing); refuse one others can read."""
    if not path.exists():
        if make is None:
            raise FileNotFoundError(path)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(make)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise PermissionError(f"金鑰檔權限過寬（{oct(mode)}），請改為 0600：{path} / key file must be mode 0600")
    return path.read_bytes()


def id_key() -> bytes:
    env = os.environ.get("GOVAI_ID_HMAC_KEY")
    if env:
        if len(env) < 32:
            raise ValueError("GOVAI_ID_HMAC_KEY 至少 32 個字元 / must be at least 32 characters")
        return env.encode()
    return _private_file(records_dir() / "id-hmac.key", secrets.token_bytes(32))


def normalise_national_id(value: str) -> str:
    """Full-width letters and digits to half-width, spaces removed, upper case (A123456789)."""
    return "".join(unicodedata.normalize("NFKC", str(value)).split()).upper()


def hash_national_id(value: str, key: bytes | None = None) -> str:
    """HMAC-SHA256 of the normalised ID, hex; an empty value stays empty."""
    text = normalise_national_id(value)
    if not text:
        return ""
    return hmac.new(key if key is not None else id_key(), text.encode(), hashlib.sha256).hexdigest()


def issuer_key_pem() -> bytes:
    """The issuer's Ed25519 private key (PKCS#8 PEM), created on first use."""
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    env = os.environ.get("GOVAI_BADGE_KEY_FILE")
    path = Path(env).expanduser() if env else records_dir() / "badges" / "issuer-ed25519.pem"
    if path.exists() or env:
        return _private_file(path)
    pem = Ed25519PrivateKey.generate().private_bytes(ser.Encoding.PEM, ser.PrivateFormat.PKCS8, ser.NoEncryption())
    return _private_file(path, pem)


def public_pem(private_pem: bytes) -> bytes:
    from cryptography.hazmat.primitives import serialization as ser

    key = ser.load_pem_private_key(private_pem, password=None)
    return key.public_key().public_bytes(ser.Encoding.PEM, ser.PublicFormat.SubjectPublicKeyInfo)
