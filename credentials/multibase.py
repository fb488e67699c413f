"""Multibase base58btc and Multikey encodings of Ed25519 keys (W3C Controlled Identifiers,
section Multikey): 'z' + base58btc(multicodec prefix + key bytes)."""

from __future__ import annotations

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(ALPHABET)}
ED25519_PUBLIC = b"\xed\x01"  # multicodec ed25519-pub
ED25519_PRIVATE = b"\x80\x26"  # multicodec ed25519-priv


# Base58 decoding is quadratic in the length of its input, so a value longer than anything we
# decode (a 64-byte signature is at most 88 characters, a Multikey 48) is refused unread.
MAX_BASE58_CHARS = 100


class MultibaseError(ValueError):
    pass


def base58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = ALPHABET[remainder] + encoded
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + encoded


def base58btc_decode(text: str) -> bytes:
    if len(text) > MAX_BASE58_CHARS:
        raise MultibaseError(
            f"{len(text)} characters is longer than any key or signature "
            f"(at most {MAX_BASE58_CHARS})"
        )
    number = 0
    for char in text:
        if char not in _INDEX:
            raise MultibaseError(f"'{char}' is not a base58btc character")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_encode(data: bytes) -> str:
    return "z" + base58btc_encode(data)


def multibase_decode(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise MultibaseError("a base58btc multibase value starts with 'z'")
    return base58btc_decode(text[1:])


def _multikey_decode(text: str, prefix: bytes, what: str) -> bytes:
    data = multibase_decode(text)
    if not data.startswith(prefix) or len(data) != len(prefix) + 32:
        raise MultibaseError(f"not an Ed25519 {what} key in Multikey form")
    return data[len(prefix) :]


def public_multikey(raw: bytes) -> str:
    return multibase_encode(ED25519_PUBLIC + raw)


def public_key_bytes(multikey: str) -> bytes:
    return _multikey_decode(multikey, ED25519_PUBLIC, "public")


def private_multikey(raw: bytes) -> str:
    return multibase_encode(ED25519_PRIVATE + raw)


def private_key_bytes(multikey: str) -> bytes:
    return _multikey_decode(multikey, ED25519_PRIVATE, "private")
