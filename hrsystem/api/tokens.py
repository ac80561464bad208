"""Token text: `hrs_<prefix>_<secret>`; only the prefix and the secret's SHA-256 are stored."""

import hashlib
import hmac
import secrets

PREFIX_BYTES = 6
SECRET_BYTES = 32


def new_token() -> tuple[str, str, str]:
    """A fresh token: (the whole text to show once, its prefix, the secret's hash)."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    return f"hrs_{prefix}_{secret}", prefix, digest(secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split(text: str) -> tuple[str, str] | None:
    """(prefix, secret) of a token's text, None when it is not shaped like one."""
    kind, _, rest = text.partition("_")
    prefix, _, secret = rest.partition("_")
    if kind != "hrs" or not prefix or not secret:
        return None
    return prefix, secret


def matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(digest(secret), stored_hash)
