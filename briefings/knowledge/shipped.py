"""The bundled articles' vectors, shipped in the package so that a fresh install answers its
first question without embedding them (about 25 s with the embedded model on 2 cores).

`shipped_vectors.npy` (float16 rows) and `shipped_vectors.json` (one key per row: a hash of the
model's name and the text it embedded, "passage: " and the sentence or passage). Lookup is per
text, so added articles embed only their own texts. Regenerate after changing
briefings/articles/ with `make vectors` (`python -m briefings.knowledge.shipped`);
tests/test_shipped_vectors.py fails while they are stale.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from briefings.knowledge.embeddings import Embedder

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
VECTORS = HERE / "shipped_vectors.npy"
INDEX = HERE / "shipped_vectors.json"
_table: dict[str, np.ndarray] | None = None
_lock = threading.Lock()


def text_key(model: str, text: str) -> str:
    """The key of `text`'s passage vector under `model` (what the model embeds is "passage: " +
    text)."""
    return hashlib.sha256(f"{model}\npassage: {text}".encode()).hexdigest()[:20]


def table() -> dict[str, np.ndarray]:
    """Every shipped vector by key (empty when the files are missing or unreadable)."""
    global _table
    import numpy as np

    with _lock:
        if _table is None:
            try:
                keys = json.loads(INDEX.read_text(encoding="utf-8"))["keys"]
                rows = np.load(VECTORS, allow_pickle=False)
                if len(keys) != len(rows):
                    raise ValueError(f"{len(keys)} keys for {len(rows)} vectors")
                _table = dict(zip(keys, rows, strict=True))
            except (OSError, ValueError, KeyError) as error:
                log.warning("embeddings: shipped vectors unusable (%s)", error)
                _table = {}
        return _table


def passage_vectors(embedder: Embedder, texts: Sequence[str]) -> tuple[np.ndarray, int]:
    """One normalised float32 vector per text: the shipped one when there is one for this
    model, the others embedded now; and how many were embedded."""
    import numpy as np

    from briefings.knowledge.embeddings import _normalised

    shipped = table()
    keys = [text_key(embedder.name, t) for t in texts]
    missing = [i for i, k in enumerate(keys) if k not in shipped]
    if not missing:
        rows = [shipped[k] for k in keys]
        return (_normalised(np.stack(rows)) if rows else np.zeros((0, 0), np.float32)), 0
    new = embedder.passages([texts[i] for i in missing])
    vectors = np.zeros((len(texts), new.shape[1]), dtype=np.float32)
    vectors[missing] = new
    found = [i for i, k in enumerate(keys) if k in shipped]
    if found:
        vectors[found] = _normalised(np.stack([shipped[keys[i]] for i in found]))
    return vectors, len(missing)


def bundled_texts() -> list[str]:
    """Every text the index embeds for the bundled articles (each once)."""
    from briefings.knowledge.base import load_knowledge_base
    from briefings.knowledge.lexical import Lexical

    units = Lexical.build(load_knowledge_base().passages).units
    return list(dict.fromkeys(u[2] for u in units))


def write(embedder: Embedder, texts: Sequence[str]) -> int:
    """Embed `texts` with `embedder` and write them as the shipped vectors; how many."""
    import numpy as np

    vectors = embedder.passages(list(texts)).astype(np.float16)
    np.save(VECTORS, vectors, allow_pickle=False)
    keys = [text_key(embedder.name, t) for t in texts]
    index = {"model": embedder.name, "dims": int(vectors.shape[1]), "keys": keys}
    INDEX.write_text(json.dumps(index, indent=0) + "\n", encoding="utf-8")
    return len(keys)


def main() -> int:
    """Regenerate the shipped vectors of briefings/articles/ with the embedded model."""
    from briefings.knowledge.embeddings import EmbeddedE5

    embedder = EmbeddedE5()
    count = write(embedder, bundled_texts())
    print(f"{count} vectors of {embedder.name} written to {VECTORS.name} and {INDEX.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
