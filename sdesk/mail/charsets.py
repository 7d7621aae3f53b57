"""Text from the bytes of a mail body or header whose declared charset may be unknown or wrong,
and from HTML (sdesk/mail/mailparse.py reads every message through them). Pure."""

from __future__ import annotations

import codecs


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Text from bytes in a declared charset that may be unknown or wrong: the declared one when
    it exists and decodes cleanly, else UTF-8, else Windows-1252 with replacements. A declared
    UTF-16 or UTF-32 decodes nearly any even-length bytes (ASCII read as CJK): it is believed
    only with a byte-order mark or a NUL byte, or when the bytes are no UTF-8 (session 40)."""
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            if candidate == charset and _wide_lie(data, codecs.lookup(candidate).name):
                continue
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return data.decode("cp1252", errors="replace")


def _wide_lie(data: bytes, codec: str) -> bool:
    """A UTF-16/32 declaration the bytes belie: no BOM, no NUL, and valid UTF-8."""
    if not codec.startswith(("utf-16", "utf-32")) or b"\x00" in data:
        return False
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def html_to_text(html: str) -> str:
    """Readable text from HTML (links kept, images dropped), by html2text."""
    import html2text

    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    converter.unicode_snob = True
    return str(converter.handle(html)).strip()
