"""Drive `aggregator` as a user does, for the crawl benchmarks: CLI subprocesses, timed, memory sampled.

`cli_env` aims the CLI at a database and a loopback proxy; `run_cli` runs one command;
`timed_crawl` runs `aggregator crawl` and samples the resident memory of its whole process tree
(the crawl and its extraction workers) every 0.2 s with psutil.
"""

from __future__ import annotations

import contextlib
import os
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_SECONDS = 0.2
MB = 1024 * 1024


def cli_env(database_url: str, proxy: str | None) -> dict[str, str]:
    """The environment of a CLI run against ``database_url``, fetching through ``proxy``."""
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy", "no_proxy")}
    env["AGGREGATOR_DATABASE_URL"] = database_url
    env["AGGREGATOR_ALLOW_PRIVATE_NETWORKS"] = "all"
    if proxy:
        env["http_proxy"] = proxy
        env["https_proxy"] = proxy
    return env


def cli_command(*args: str) -> list[str]:
    """The command line of `aggregator ARGS` with this interpreter."""
    return [sys.executable, "-m", "aggregator.cli", *args]


def run_cli(*args: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run `aggregator ARGS`; raise with its output when it fails."""
    result = subprocess.run(cli_command(*args), cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                            timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"aggregator {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n"
                           f"{result.stderr[-4000:]}")
    return result


@dataclass
class TimedRun:
    """One timed subprocess: wall seconds, peak memory, exit status and output."""

    seconds: float
    peak_tree_rss: int
    """Largest sum of the resident set sizes of the process and all its descendants, in bytes."""
    peak_process_rss: int
    """Largest resident set size of any single process of the tree, in bytes."""
    peak_tree_pss: int
    """Largest sum of the proportional set sizes of the tree (shared pages counted once), in bytes."""
    peak_processes: int
    returncode: int | None  # None: killed at the timeout
    stdout: str
    stderr: str
    samples: int
    cpu_seconds: dict[str, float] | None = None
    """CPU time (user + system) by role in the tree: the root process, its children, their children
    (for `aggregator crawl`: the crawl, the processing process, the extraction workers), as last
    sampled before each process ended."""

    @property
    def timed_out(self) -> bool:
        """Whether the run was killed at its timeout."""
        return self.returncode is None


def timed_run(command: list[str], *, env: dict[str, str], timeout: float, cwd: Path = REPO_ROOT) -> TimedRun:
    """Run ``command``; wall time end to end, peak RSS of its process tree sampled every 0.2 s."""
    import psutil

    start = time.perf_counter()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peaks = {"tree": 0, "process": 0, "pss": 0, "count": 0, "samples": 0}
    cpu: dict[int, tuple[str, float]] = {}
    done = threading.Event()

    def sample() -> None:
        try:
            root = psutil.Process(process.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            try:
                members = [root, *root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            sizes, proportional = [], []
            for member in members:
                try:
                    full = member.memory_full_info()
                    times = member.cpu_times()
                    role = _role(member, root.pid, cpu)
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    continue
                cpu[member.pid] = (role, times.user + times.system)
                sizes.append(full.rss)
                proportional.append(getattr(full, "pss", full.rss))
            if sizes:
                peaks["tree"] = max(peaks["tree"], sum(sizes))
                peaks["pss"] = max(peaks["pss"], sum(proportional))
                peaks["process"] = max(peaks["process"], max(sizes))
                peaks["count"] = max(peaks["count"], len(sizes))
                peaks["samples"] += 1
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, name="rss-sampler", daemon=True)
    sampler.start()
    returncode: int | None
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        returncode = process.returncode
    except subprocess.TimeoutExpired:
        _kill_tree(process.pid)
        stdout, stderr = process.communicate()
        returncode = None
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    cpu_seconds: dict[str, float] = {}
    for role, used in cpu.values():
        cpu_seconds[role] = round(cpu_seconds.get(role, 0.0) + used, 1)
    # Every process of the tree, each reaped by its parent: exact, unlike the sampled parts.
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_seconds["total"] = round(children_after.ru_utime + children_after.ru_stime
                                 - children_before.ru_utime - children_before.ru_stime, 1)
    return TimedRun(seconds=seconds, peak_tree_rss=peaks["tree"], peak_process_rss=peaks["process"],
                    peak_tree_pss=peaks["pss"], peak_processes=peaks["count"], returncode=returncode,
                    stdout=stdout, stderr=stderr, samples=peaks["samples"], cpu_seconds=cpu_seconds)


def _role(member: Any, root_pid: int, known: dict[int, tuple[str, float]]) -> str:
    """Which part of the tree a process is: the root, a child of it, or a grandchild."""
    if member.pid in known:
        return known[member.pid][0]
    if member.pid == root_pid:
        return "root"
    return "child" if member.ppid() == root_pid else "grandchild"


def _kill_tree(pid: int) -> None:
    import psutil

    try:
        root = psutil.Process(pid)
        members = [*root.children(recursive=True), root]
    except psutil.NoSuchProcess:
        return
    for member in members:
        with contextlib.suppress(psutil.NoSuchProcess):
            member.kill()


def timed_crawl(env: dict[str, str], *, jobs: int = 0, timeout: float = 7200,
                extra: tuple[str, ...] = ()) -> TimedRun:
    """`aggregator crawl [--jobs J]`, timed end to end (process start to exit) with its memory peaks."""
    args = ["crawl", *extra]
    if jobs:
        args += ["--jobs", str(jobs)]
    return timed_run(cli_command(*args), env=env, timeout=timeout)


def megabytes(size: int) -> float:
    """Bytes as MB (MiB), one decimal."""
    return round(size / MB, 1)
