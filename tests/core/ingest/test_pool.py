"""core.ingest.WorkerPool: results in order, time limits that kill and replace a worker, crashes, cancel."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from core.ingest import OCR_PAGE, Job, PoolUnavailable, Status, WorkerPool
from tests.core.ingest import jobs

REPO = Path(__file__).resolve().parents[3]
# A hang guard, not a speed bound: every test here ends in seconds; a broken pool would hang for ever.
GUARD_S = 120


def test_results_come_in_input_order() -> None:
    with WorkerPool(2) as pool:
        results = list(pool.run(Job(jobs.square, (i,)) for i in range(12)))
    assert [r.status for r in results] == [Status.DONE] * 12
    assert [r.value for r in results] == [i * i for i in range(12)]
    assert [r.job.args for r in results] == [(i,) for i in range(12)]


def test_a_job_over_its_time_limit_is_stopped_and_its_worker_replaced() -> None:
    with WorkerPool(1) as pool:
        first = pool.pids()
        results = list(pool.run([
            Job(jobs.square, (2,), time_limit=GUARD_S),
            Job(jobs.sleep_forever, (), time_limit=1.0),
            Job(jobs.square, (3,), time_limit=GUARD_S),
        ]))
        assert pool.restarts == 1
        assert pool.pids() != first
    assert [r.status for r in results] == [Status.DONE, Status.TIMEOUT, Status.DONE]
    assert results[1].time_limit == pytest.approx(1.0)
    assert results[2].value == 9


def test_a_crashing_worker_fails_only_its_own_job() -> None:
    with WorkerPool(2) as pool:
        batch = [Job(jobs.square, (i,)) for i in range(3)] + [Job(jobs.crash)] + [Job(jobs.square, (i,)) for i in range(3, 6)]
        results = list(pool.run(batch))
    assert [r.status for r in results] == [Status.DONE] * 3 + [Status.CRASHED] + [Status.DONE] * 3
    assert "3" in results[3].error  # the exit code
    assert [r.value for r in results if r.status is Status.DONE] == [i * i for i in range(6)]


def test_an_exception_is_a_failed_job_and_its_traceback_reaches_the_parents_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    with WorkerPool(1) as pool:
        results = list(pool.run([Job(jobs.fail), Job(jobs.log_an_error), Job(jobs.square, (4,))]))
    assert results[0].status is Status.FAILED and results[0].error.startswith("ValueError")
    assert results[1].value == "logged" and results[2].value == 16
    logged = [r for r in caplog.records if r.name == "tests.core.ingest.jobs"]
    assert any("worker-side failure" in r.getMessage() and "KeyError" in (r.exc_text or "") for r in logged)
    assert any("ValueError" in (r.exc_text or "") for r in caplog.records)


def test_ocr_pages_extend_the_time_limit() -> None:
    # 4 pages of 1 s each against a 2 s limit: stopped without the extension, done with 20 s per page.
    with WorkerPool(2) as pool:
        extended, plain = pool.run([
            Job(jobs.ocr_pages, (4, 1.0), time_limit=2.0, extensions={OCR_PAGE: 20.0}),
            Job(jobs.ocr_pages, (4, 1.0), time_limit=2.0),
        ])
    assert extended.status is Status.DONE and extended.value == 4
    assert extended.time_limit == pytest.approx(82.0)
    assert plain.status is Status.TIMEOUT


def test_ocr_hook_is_a_no_op_outside_a_worker() -> None:
    assert jobs.ocr_pages(2, 0.0) == 2


def test_cancel_stops_a_running_job_at_once() -> None:
    cancel = threading.Event()
    seen: list[object] = []
    with WorkerPool(2) as pool:
        worker_pids = set(pool.pids())

        def drive() -> None:
            seen.extend(pool.run([Job(jobs.square, (5,))] + [Job(jobs.sleep_forever)] * 4, cancel))

        runner = threading.Thread(target=drive, daemon=True)
        runner.start()
        time.sleep(1.0)  # the sleepers are running by now (or still starting: cancel must stop both)
        cancel.set()
        runner.join(GUARD_S)
        assert not runner.is_alive(), "cancel did not stop the pool"
    assert [r.status for r in seen] in ([], [Status.DONE])  # nothing after the cancel
    for worker in worker_pids:
        assert not _alive(worker)


def test_workers_that_cannot_start_make_the_pool_unavailable() -> None:
    with WorkerPool(2, initializer=jobs.broken_init, start_timeout=GUARD_S) as pool:
        with pytest.raises(PoolUnavailable) as caught:
            list(pool.run(Job(jobs.square, (i,)) for i in range(5)))
    assert [job.args for job in caught.value.remaining] == [(i,) for i in range(5)]


@pytest.mark.skipif(not hasattr(os, "nice"), reason="POSIX priority")
def test_workers_run_at_lower_priority() -> None:
    with WorkerPool(1) as pool:
        (result,) = pool.run([Job(jobs.niceness)])
    assert result.value == min(19, os.nice(0) + 10)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


_POOL_THEN_WAIT = """
import sys, time
from core.ingest import Job, WorkerPool
from tests.core.ingest import jobs
if __name__ == "__main__":
    pool = WorkerPool(2)
    pids = {r.value for r in pool.run(Job(jobs.pid) for _ in range(8))}
    print(" ".join(map(str, pids)), flush=True)
    time.sleep(600)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_workers_exit_when_the_parent_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "pool.py"
    script.write_text(_POOL_THEN_WAIT, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], cwd=REPO, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert proc.stdout is not None
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert pids and all(_alive(pid) for pid in pids)
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + GUARD_S  # a hang guard: they go within a fraction of a second
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in pids if _alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == [], "pool workers outlived their killed parent"


def _started(folder: Path) -> set[int]:
    return {int(p.name) for p in folder.iterdir()}


def _wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + GUARD_S  # a hang guard, not a speed bound
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def _pool_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "worker-pool"]


def test_workers_go_on_while_the_caller_holds_a_result_up_to_the_window(tmp_path: Path) -> None:
    window = 6
    with WorkerPool(2) as pool:
        results = pool.run((Job(jobs.mark_started, (str(tmp_path), i)) for i in range(30)), window=window)
        first = next(results)
        # The caller is busy with the first result (it does not come back): the workers still start every
        # job the window allows — 1 taken + 6 ahead — and none beyond it.
        _wait_until(lambda: len(_started(tmp_path)) >= window + 1)
        assert _started(tmp_path) == set(range(window + 1))
        rest = list(results)
    assert [r.value for r in [first, *rest]] == list(range(30))
    assert _started(tmp_path) == set(range(30))


def test_closing_the_results_early_stops_the_pools_thread_and_the_busy_worker(tmp_path: Path) -> None:
    with WorkerPool(1) as pool:
        results = pool.run([Job(jobs.square, (3,)), Job(jobs.mark_then_sleep, (str(tmp_path),)), Job(jobs.square, (4,))])
        assert next(results).value == 9
        _wait_until(lambda: bool(_started(tmp_path)))
        (busy,) = _started(tmp_path)
        assert _pool_threads()
        results.close()
        assert not _pool_threads()
        assert not _alive(busy)
        # the pool is usable again: a new worker replaces the killed one
        assert [r.value for r in pool.run([Job(jobs.square, (5,))])] == [25]


def test_a_caller_that_raises_leaves_no_thread_or_worker_behind(tmp_path: Path) -> None:
    pids: list[int] = []
    with pytest.raises(KeyError), WorkerPool(2) as pool:
        for result in pool.run([Job(jobs.square, (2,))] + [Job(jobs.mark_then_sleep, (str(tmp_path),))] * 2):
            assert result.value == 4
            _wait_until(lambda: len(_started(tmp_path)) == 2)
            pids = pool.pids()
            raise KeyError("the caller fails")
    assert len(pids) == 2 and _started(tmp_path) == set(pids)
    assert not _pool_threads()
    assert not any(_alive(pid) for pid in pids)


def test_an_unavailable_pool_hands_back_every_job_without_a_result_in_order() -> None:
    with WorkerPool(1, initializer=jobs.broken_init, start_timeout=GUARD_S) as pool:
        with pytest.raises(PoolUnavailable) as caught:
            list(pool.run((Job(jobs.square, (i,)) for i in range(30)), window=4))
    assert [job.args for job in caught.value.remaining] == [(i,) for i in range(30)]


def test_a_new_run_ends_one_left_unfinished() -> None:
    with WorkerPool(1) as pool:
        first = pool.run(Job(jobs.square, (i,)) for i in range(50))
        assert next(first).value == 0
        assert [r.value for r in pool.run([Job(jobs.square, (7,))])] == [49]
        assert list(first) == []  # ended, not run on in the background
        assert not _pool_threads()
