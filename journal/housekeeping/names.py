"""Names compared the way people read them: “Hetzner”, “hetzner”, “ＨＥＴＺＮＥＲ” and
“Hetzner  ” are one provider. The key is NFKC (full- and half-width forms fold together),
case-folded, with runs of whitespace collapsed to one space."""

from __future__ import annotations

import hashlib
import unicodedata

KEY_MAX = 400  # a key longer than this keeps its start and a digest of the whole (index size)


def name_key(name: str) -> str:
    """The key two names collide on. NFKC before and after case folding: folding can undo
    a normal form (e.g. “ǰ” folds to j + a combining caron)."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    key = " ".join(folded.split())
    if len(key) > KEY_MAX:
        key = f"{key[:300]}#{hashlib.sha256(key.encode()).hexdigest()}"
    return key
