"""Benchmark streaming Twilio Calls from a local server: two floors, the official SDK, twiorm.

    python bench/run.py --rounds 5

For each N it starts server.py holding N Calls, runs every client script as its own
process, interleaved (A B C D ... A B C D ...) for --rounds, and takes each process's wall
time and peak RSS (os.wait4). Then it times importing each library and 200 single fetches.
It prints medians, µs per record, MiB and the twiorm ratios, checks that every script that
read the same fields printed the same checksum, and exits 1 if any check or process failed.
Progress goes to stderr, the report to stdout.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from server import DEFAULT_SPEC, make_sid

BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
OUTPUT = re.compile(r"checksum=(-?\d+) records=(\d+)")
GET_OUTPUT = re.compile(r"seconds=([\d.]+) count=(\d+)")
# ru_maxrss is in KiB on Linux and in bytes on macOS.
RSS_PER_MIB = 1024 * 1024 if sys.platform == "darwin" else 1024

IMPORT_CODE = {
    "python -c pass": "pass",
    "sdk": "from twilio.rest import Client; Client('AC'+'0'*32,'t').api.v2010.account.calls",
    "twiorm": (
        "import twiorm; from twiorm.resources import Call; "
        "Call.objects.using(twiorm.Client('AC'+'0'*32,'t')).filter(to='+14155550100')"
    ),
}
PROBES = {
    "sdk": "from twilio.rest import Client",
    "twiorm": "import twiorm; from twiorm.resources import Call",
}


@dataclass(frozen=True)
class Job:
    """One client script in one mode: a column of the interleaved rounds."""

    client: str  # "sdk", "twiorm", or a floor; matches PROBES for the optional ones
    script: str
    mode: str  # also the checksum group: scripts in one mode must agree

    @property
    def label(self) -> str:
        return self.client if self.mode == "two" else f"{self.client}/{self.mode}"


STREAM_JOBS = (
    Job("floor_two_fields", "floor_two_fields.py", "two"),
    Job("floor_typed", "floor_typed.py", "four"),
    Job("sdk", "sdk_stream.py", "four"),
    Job("twiorm", "twiorm_stream.py", "four"),
    Job("floor_typed", "floor_typed.py", "all"),
    Job("sdk", "sdk_stream.py", "all"),
    Job("twiorm", "twiorm_stream.py", "all"),
)
GET_CLIENTS = ("requests", "session", "sdk", "twiorm")  # single_get.py --client values


@dataclass(frozen=True)
class Run:
    """What one finished process cost and said."""

    seconds: float
    rss_mib: float
    exit_code: int
    stdout: str
    stderr: str

    def failure(self) -> str:
        """Return why the run failed, or an empty string."""
        if self.exit_code == 0:
            return ""
        lines = self.stderr.strip().splitlines() or [self.stdout.strip()]
        return f"exit {self.exit_code}: {lines[-1] if lines else ''}"


def measure(argv: Sequence[str], env: dict[str, str]) -> Run:
    """Run argv to completion; return its wall time, peak RSS and output."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        actions = [(os.POSIX_SPAWN_DUP2, out.fileno(), 1), (os.POSIX_SPAWN_DUP2, err.fileno(), 2)]
        start = time.perf_counter()
        pid = os.posix_spawn(argv[0], list(argv), env, file_actions=actions)
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN would only keep the max so far.
        _, status, usage = os.wait4(pid, 0)
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        return Run(
            seconds=seconds,
            rss_mib=usage.ru_maxrss / RSS_PER_MIB,
            exit_code=os.waitstatus_to_exitcode(status),
            stdout=out.read().decode(errors="replace"),
            stderr=err.read().decode(errors="replace"),
        )


def child_env() -> dict[str, str]:
    """Return the environment every measured process gets."""
    env = dict(os.environ)
    # A proxy set for the outside world must not sit between the clients and 127.0.0.1.
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    return env


def compile_bytecode(env: dict[str, str]) -> None:
    """Write .pyc files for twiorm and these scripts, so that no client pays for compiling.

    pip writes them for the packages it installs (the SDK); an editable install, or
    PYTHONDONTWRITEBYTECODE in the environment, leaves twiorm without them, and every
    measured process would compile twiorm's sources again.
    """
    code = (
        "import compileall, os, twiorm, twiorm.resources\n"
        "for module in (twiorm, twiorm.resources):\n"
        "    compileall.compile_dir(os.path.dirname(module.__file__), quiet=1)"
    )
    subprocess.run([PYTHON, "-c", code], env=env, check=False, capture_output=True)
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(BENCH)], env=env, check=False)


def probe(code: str, env: dict[str, str]) -> str:
    """Return an empty string if code runs, else the last line of its error."""
    run = measure([PYTHON, "-c", code], env)
    return run.failure()


@contextmanager
def serving(
    total: int, spec: Path, cpu: int | None, delay: float = 0.0, warm: int = 0
) -> Iterator[str]:
    """Run server.py holding total Calls (answering after ``delay`` s, the first ``warm``
    rendered for fetches up front); yield its base URL."""
    argv = [PYTHON, str(BENCH / "server.py"), "--total", str(total), "--spec", str(spec)]
    argv += ["--delay", str(delay), "--warm", str(warm)]
    server = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    try:
        if cpu is not None:
            os.sched_setaffinity(server.pid, {cpu})
        assert server.stdout is not None
        line = server.stdout.readline()  # printed once every page is rendered
        if not line.startswith("port="):
            sys.exit(f"server.py did not start (exit {server.wait()})")
        yield f"http://127.0.0.1:{int(line.removeprefix('port='))}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def pin_cpus(enabled: bool) -> int | None:
    """Give the server one CPU and this process, so every client, the others; return the former.

    The clients are single-threaded; keeping the server off their core keeps the two from
    trading places and caches between rounds.
    """
    if not enabled or not hasattr(os, "sched_setaffinity"):
        return None
    cpus = os.sched_getaffinity(0)
    if len(cpus) < 2:
        return None
    server_cpu = min(cpus)
    os.sched_setaffinity(0, cpus - {server_cpu})
    return server_cpu


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or not denominator:
        return "-"
    return f"{numerator / denominator:.2f}x"


class Report:
    """Collect every run and print the tables."""

    def __init__(self, sizes: Sequence[int], rounds: int) -> None:
        self.sizes = sizes
        self.rounds = rounds
        self.streams: dict[tuple[int, str], list[Run]] = defaultdict(list)
        self.checksums: dict[tuple[int, str], dict[str, set[str]]] = defaultdict(dict)
        self.failures: list[str] = []

    def add_stream(self, n: int, job: Job, run: Run) -> None:
        match = OUTPUT.search(run.stdout)
        problem = run.failure()
        if not problem and (match is None or int(match[2]) != n):
            problem = f"unexpected output {run.stdout.strip()!r}"
        if problem:
            self.fail(f"{job.label} N={n:,}: {problem}")
            return
        assert match is not None
        self.streams[n, job.label].append(run)
        self.checksums[n, job.mode].setdefault(job.label, set()).add(match[1])

    def fail(self, message: str) -> None:
        self.failures.append(message)
        progress(f"FAILED {message}")

    def seconds(self, n: int, label: str) -> float | None:
        return median([run.seconds for run in self.streams.get((n, label), [])])

    def rss(self, n: int, label: str) -> float | None:
        return median([run.rss_mib for run in self.streams.get((n, label), [])])

    def marginal_us(self, label: str) -> float | None:
        """Return µs per record between the smallest and largest N: start-up cancels out."""
        low, high = min(self.sizes), max(self.sizes)
        a, b = self.seconds(low, label), self.seconds(high, label)
        if a is None or b is None or high == low:
            return None
        return (b - a) / (high - low) * 1e6

    def print_streams(self, labels: Sequence[str]) -> None:
        sizes = self.sizes
        print(f"\n== Streaming Calls, PageSize=1000, median of {self.rounds} rounds ==")
        print("wall seconds per process (µs per record); marginal: µs per record from the")
        print("smallest to the largest N, where interpreter start-up and imports cancel out\n")
        print(f"{'client':<20}" + "".join(f"{f'N={n:,}':>20}" for n in sizes) + "    marginal")
        for label in labels:
            cells = []
            for n in sizes:
                s = self.seconds(n, label)
                per_record = None if s is None else s / n * 1e6
                short = "*" if len(self.streams.get((n, label), [])) < self.rounds else " "
                cells.append(f"{fmt(s, '.3f')} ({fmt(per_record, '.1f')}){short}".rjust(20))
            print(f"{label:<20}{''.join(cells)}{fmt(self.marginal_us(label), '.2f'):>12}")
        if any(len(runs) < self.rounds for runs in self.streams.values()):
            print("* some rounds failed: the median is over the rest (see the failures below)")
        print(f"\npeak RSS MiB per process\n\n{'client':<20}", end="")
        print("".join(f"{f'N={n:,}':>12}" for n in sizes) + f"{'growth':>12}")
        for label in labels:
            values = [self.rss(n, label) for n in sizes]
            first, last = values[0], values[-1]
            growth = None if first is None or last is None else last - first
            print(f"{label:<20}" + "".join(f"{fmt(v, '.1f'):>12}" for v in values), end="")
            print(f"{fmt(growth, '+.1f'):>12}")

    def print_ratios(self, twiorm_ok: bool) -> None:
        print("\n== Ratios of median wall time (below 1.00x: twiorm is faster) ==")
        if not twiorm_ok:
            print("twiorm: not importable; no ratios")
            return
        pairs = (
            ("twiorm/sdk (four fields)", "twiorm/four", "sdk/four"),
            ("twiorm/floor_two_fields", "twiorm/four", "floor_two_fields"),
            ("twiorm/sdk (all fields)", "twiorm/all", "sdk/all"),
            ("twiorm/floor_typed (all)", "twiorm/all", "floor_typed/all"),
        )
        print(
            f"\n{'':<28}" + "".join(f"{f'N={n:,}':>12}" for n in self.sizes) + f"{'marginal':>12}"
        )
        for name, top, bottom in pairs:
            cells = "".join(
                f"{ratio(self.seconds(n, top), self.seconds(n, bottom)):>12}" for n in self.sizes
            )
            marginal = ratio(self.marginal_us(top), self.marginal_us(bottom))
            print(f"{name:<28}{cells}{marginal:>12}")
        low, high = min(self.sizes), max(self.sizes)
        for label in ("twiorm/four", "twiorm/all"):
            a, b = self.rss(low, label), self.rss(high, label)
            growth = None if a is None or b is None else b - a
            print(f"{label} peak RSS at N={high:,} minus N={low:,}: {fmt(growth, '+.1f')} MiB")

    def check_checksums(self) -> None:
        print("\n== Checksums (every script reading the same fields must agree) ==")
        for (n, mode), by_label in sorted(self.checksums.items()):
            values = set().union(*by_label.values())
            if len(values) == 1:
                print(f"N={n:,} {mode}: {values.pop()} from {', '.join(sorted(by_label))}")
            else:
                detail = "; ".join(f"{label}={sorted(v)}" for label, v in sorted(by_label.items()))
                self.fail(f"checksum mismatch at N={n:,}, mode {mode}: {detail}")


def time_imports(
    env: dict[str, str], names: Sequence[str], rounds: int, fail: Callable[[str], None]
) -> dict[str, list[Run]]:
    """Import each library and build a first query in fresh interpreters, interleaved."""
    runs: dict[str, list[Run]] = defaultdict(list)
    for round_ in range(rounds):
        progress(f"imports: round {round_ + 1}/{rounds}")
        for name in names:
            run = measure([PYTHON, "-c", IMPORT_CODE[name]], env)
            if run.exit_code == 0:
                runs[name].append(run)
            else:
                fail(f"import {name}: {run.failure()}")
    return runs


def print_imports(runs: dict[str, list[Run]], names: Sequence[str], rounds: int) -> None:
    print(f"\n== Import and first query (no HTTP), median of {rounds} fresh interpreters ==\n")
    print(f"{'':<16}{'wall ms':>10}{'minus python':>14}{'peak RSS MiB':>14}")
    wall = {name: median([run.seconds * 1000 for run in runs[name]]) for name in names}
    base = wall.get("python -c pass") or 0.0
    net = {name: None if ms is None else ms - base for name, ms in wall.items()}
    for name in names:
        rss = median([run.rss_mib for run in runs[name]])
        print(f"{name:<16}{fmt(wall[name], '.1f'):>10}{fmt(net[name], '.1f'):>14}", end="")
        print(f"{fmt(rss, '.1f'):>14}")
    if "twiorm" in names and "sdk" in names:
        print(
            f"twiorm/sdk import: {ratio(wall['twiorm'], wall['sdk'])} wall, "
            f"{ratio(net['twiorm'], net['sdk'])} minus python start-up"
        )


def time_gets(
    url: str,
    sid: str,
    env: dict[str, str],
    clients: Sequence[str],
    rounds: int,
    count: int,
    fail: Callable[[str], None],
) -> dict[str, list[float]]:
    """Return µs per get of count in-process fetches of one Call, per client, interleaved."""
    per_get: dict[str, list[float]] = defaultdict(list)
    script = str(BENCH / "single_get.py")
    for round_ in range(rounds):
        progress(f"single get: round {round_ + 1}/{rounds}")
        for client in clients:
            argv = [PYTHON, script, "--url", url, "--sid", sid, "--client", client]
            run = measure([*argv, "--count", str(count)], env)
            match = GET_OUTPUT.search(run.stdout)
            if run.exit_code or match is None:
                fail(f"single get {client}: {run.failure() or run.stdout.strip()!r}")
                continue
            per_get[client].append(float(match[1]) / int(match[2]) * 1e6)
    return per_get


def print_gets(
    per_get: dict[str, list[float]], clients: Sequence[str], rounds: int, count: int
) -> None:
    print(f"\n== One Call fetched {count} times in one process, median of {rounds} processes ==\n")
    print(f"{'client':<18}{'µs per get':>12}")
    names = {"requests": "requests.get", "session": "requests.Session"}
    us = {client: median(per_get[client]) for client in clients}
    for client in clients:
        print(f"{names.get(client, client):<18}{fmt(us[client], '.1f'):>12}")
    if "twiorm" in clients:
        print(
            f"twiorm/requests.get: {ratio(us['twiorm'], us['requests'])}, "
            f"twiorm/requests.Session: {ratio(us['twiorm'], us['session'])}, "
            f"twiorm/sdk: {ratio(us['twiorm'], us.get('sdk'))}"
        )


FETCH_OUTPUT = re.compile(r"fetches=(\d+) seconds=([\d.]+)")
ASYNC_FETCHES, ASYNC_IN_FLIGHT, ASYNC_DELAY = 200, 20, 0.05
ASYNC_SIZES = (1000, 20000)


def time_async(
    spec: Path, env: dict[str, str], cpu: int | None, rounds: int, fail: Callable[[str], None]
) -> dict[str, list[float]]:
    """Seconds per run: 200 fetches sync and async against a slow server, and the sync and
    async streams of all fields at each of ASYNC_SIZES."""
    found: dict[str, list[float]] = defaultdict(list)
    sids = [make_sid("CA", i) for i in range(ASYNC_FETCHES)]
    script = str(BENCH / "twiorm_fetches.py")
    with serving(1000, spec, cpu, delay=ASYNC_DELAY, warm=ASYNC_FETCHES) as url:
        for round_ in range(rounds):
            progress(f"async fetches: round {round_ + 1}/{rounds}")
            for mode in ("sync", "async"):
                argv = [PYTHON, script, "--url", url, "--mode", mode]
                argv += ["--in-flight", str(ASYNC_IN_FLIGHT)]
                for sid in sids:
                    argv += ["--sid", sid]
                run = measure(argv, env)
                match = FETCH_OUTPUT.search(run.stdout)
                if run.exit_code or match is None:
                    fail(f"fetches {mode}: {run.failure() or run.stdout.strip()!r}")
                    continue
                found[f"fetch {mode}"].append(float(match[2]))
    for n in ASYNC_SIZES:
        with serving(n, spec, cpu) as url:
            for round_ in range(rounds):
                progress(f"async stream N={n:,}: round {round_ + 1}/{rounds}")
                for name, script_name in (
                    ("sync", "twiorm_stream.py"),
                    ("async", "twiorm_astream.py"),
                ):
                    argv = [PYTHON, str(BENCH / script_name), "--url", url, "--n", str(n)]
                    run = measure([*argv, "--mode", "all"], env)
                    if run.exit_code:
                        fail(f"stream {name} N={n}: {run.failure()}")
                        continue
                    found[f"stream {name} {n}"].append(run.seconds)
    return found


def print_async(found: dict[str, list[float]], rounds: int) -> None:
    sync, asyn = median(found.get("fetch sync", [])), median(found.get("fetch async", []))
    print(f"\n== twiorm async, median of {rounds} runs ==\n")
    print(
        f"{ASYNC_FETCHES} Calls fetched, the server waiting {ASYNC_DELAY * 1000:.0f} ms before "
        f"each answer: one by one (sync) {fmt(sync, '.2f')} s, {ASYNC_IN_FLIGHT} in flight "
        f"(async) {fmt(asyn, '.2f')} s: async takes {ratio(asyn, sync)} the time"
    )
    small, large = ASYNC_SIZES
    marginal = {}
    for name in ("sync", "async"):
        a = median(found.get(f"stream {name} {small}", []))
        b = median(found.get(f"stream {name} {large}", []))
        marginal[name] = None if a is None or b is None else (b - a) / (large - small) * 1e6
    print(
        f"streaming all fields, µs per record from N={small:,} to N={large:,}: sync "
        f"{fmt(marginal['sync'], '.2f')}, async {fmt(marginal['async'], '.2f')}: "
        f"async/sync {ratio(marginal['async'], marginal['sync'])}"
    )


TABLE_MODES = ("values", "arrow", "parquet")


def time_tables(
    sizes: Sequence[int],
    spec: Path,
    env: dict[str, str],
    cpu: int | None,
    rounds: int,
    fail: Callable[[str], None],
) -> dict[tuple[str, int], list[Run]]:
    """Runs of bench/twiorm_tables.py in each mode at each N."""
    found: dict[tuple[str, int], list[Run]] = defaultdict(list)
    for n in sizes:
        with serving(n, spec, cpu) as url:
            for round_ in range(rounds):
                progress(f"data out N={n:,}: round {round_ + 1}/{rounds}")
                for mode in TABLE_MODES:
                    argv = [PYTHON, str(BENCH / "twiorm_tables.py"), "--url", url, "--n", str(n)]
                    run = measure([*argv, "--mode", mode], env)
                    if run.exit_code:
                        fail(f"data out {mode} N={n}: {run.failure()}")
                        continue
                    found[(mode, n)].append(run)
    return found


def print_tables(
    found: dict[tuple[str, int], list[Run]], sizes: Sequence[int], rounds: int
) -> None:
    small, large = min(sizes), max(sizes)
    print(f"\n== twiorm data out (all properties), median of {rounds} runs ==\n")
    print(f"{'mode':<10}{'records/s':>12}{'peak RSS MiB':>16}{'RSS growth':>12}")
    for mode in TABLE_MODES:
        a = median([r.seconds for r in found.get((mode, small), [])])
        b = median([r.seconds for r in found.get((mode, large), [])])
        rate = None if a is None or b is None or b <= a else (large - small) / (b - a)
        low = median([r.rss_mib for r in found.get((mode, small), [])])
        high = median([r.rss_mib for r in found.get((mode, large), [])])
        growth = None if low is None or high is None else high - low
        print(f"{mode:<10}{fmt(rate, ',.0f'):>12}{fmt(high, '.1f'):>16}{fmt(growth, '+.1f'):>12}")
    print(f"(records/s from N={small:,} to N={large:,}; peak RSS at N={large:,})")


def time_dask(
    env: dict[str, str], rounds: int, fail: Callable[[str], None]
) -> dict[str, list[float]]:
    """Runs of bench/twiorm_dask.py: one stream against 8 partitions, 100 ms a page."""
    found: dict[str, list[float]] = defaultdict(list)
    for round_ in range(rounds):
        progress(f"dask: round {round_ + 1}/{rounds}")
        run = measure([PYTHON, str(BENCH / "twiorm_dask.py"), "--latency", "0.1"], env)
        shown = dict(re.findall(r"(\w+)=([\d.]+)s", run.stdout))
        if run.exit_code or not {"one_stream", "partitioned"} <= shown.keys():
            fail(f"dask: {run.failure()}")
            continue
        for name, seconds in shown.items():
            found[name].append(float(seconds))
    return found


def print_dask(found: dict[str, list[float]], rounds: int) -> None:
    one, parted = median(found["one_stream"]), median(found["partitioned"])
    print(f"\n== Dask: 8 UTC-day partitions vs one stream, 100 ms a page, median of {rounds} ==\n")
    print(
        f"one stream {fmt(one, '.2f')} s, 8 partitions {fmt(parted, '.2f')} s: "
        f"speed-up {ratio(one, parted)}"
    )


def describe_machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        models = re.findall(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = models[0] if models else cpu
    versions = []
    for package in ("twilio", "requests", "twiorm"):
        with suppress(metadata.PackageNotFoundError):  # twiorm may not be installed
            versions.append(f"{package} {metadata.version(package)}")
    return (
        f"{platform.platform()}; {cpu}; {os.cpu_count()} CPUs; "
        f"Python {platform.python_version()}; {', '.join(versions)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per N")
    parser.add_argument(
        "--sizes",
        default="1000,20000,100000",
        help="comma-separated N; the smallest and largest give the marginal cost and RSS growth",
    )
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="twilio_api_v2010.json")
    parser.add_argument("--import-rounds", type=int, default=15, help="fresh interpreters each")
    parser.add_argument("--get-count", type=int, default=200, help="fetches per process")
    parser.add_argument("--skip-imports", action="store_true")
    parser.add_argument("--skip-gets", action="store_true")
    parser.add_argument("--skip-async", action="store_true", help="skip twiorm's async runs")
    parser.add_argument(
        "--data-sizes", default="1000,200000", help="N for values/Arrow/Parquet (needs pyarrow)"
    )
    parser.add_argument("--skip-data", action="store_true", help="skip the data-out runs")
    parser.add_argument("--skip-dask", action="store_true", help="skip the partitioned reads")
    parser.add_argument("--no-pin", action="store_true", help="do not split CPUs server/clients")
    args = parser.parse_args()
    sizes = sorted({int(size) for size in args.sizes.split(",")})
    spec = args.spec.resolve()  # before the chdir below

    # `python -c` puts the working directory first on sys.path; from the repo root that would
    # import the source tree's twiorm instead of the installed one users get.
    os.chdir(tempfile.gettempdir())
    env = child_env()
    compile_bytecode(env)
    unavailable = {name: error for name, code in PROBES.items() if (error := probe(code, env))}
    if "sdk" in unavailable:
        print(
            f"twilio is not installed ({unavailable['sdk']}): pip install twilio "
            "(or the project's bench extra); skipping the SDK",
            file=sys.stderr,
        )
    if "twiorm" in unavailable:
        print(f"twiorm: not importable ({unavailable['twiorm']})", file=sys.stderr)
    jobs = [job for job in STREAM_JOBS if job.client not in unavailable]
    labels = [job.label for job in jobs]

    server_cpu = pin_cpus(not args.no_pin)
    print(f"machine: {describe_machine()}")
    print(
        f"date: {time.strftime('%Y-%m-%d %H:%M %Z')}; server on CPU "
        f"{server_cpu if server_cpu is not None else '(not pinned)'}"
    )
    report = Report(sizes, args.rounds)
    get_clients = [client for client in GET_CLIENTS if client not in unavailable]
    gets: dict[str, list[float]] = {}
    for n in sizes:
        progress(f"N={n:,}: starting the server")
        with serving(n, spec, server_cpu) as url:
            for round_ in range(args.rounds):
                progress(f"N={n:,}: round {round_ + 1}/{args.rounds}")
                for job in jobs:
                    argv = [PYTHON, str(BENCH / job.script), "--url", url, "--n", str(n)]
                    report.add_stream(n, job, measure([*argv, "--mode", job.mode], env))
            if n == sizes[0] and not args.skip_gets:
                sid = make_sid("CA", n // 2)
                gets = time_gets(
                    url, sid, env, get_clients, args.rounds, args.get_count, report.fail
                )
    asyncs: dict[str, list[float]] = {}
    if not args.skip_async and "twiorm" not in unavailable:
        asyncs = time_async(spec, env, server_cpu, min(args.rounds, 3), report.fail)
    tables: dict[tuple[str, int], list[Run]] = {}
    data_sizes = sorted({int(size) for size in args.data_sizes.split(",")})
    if not args.skip_data and "twiorm" not in unavailable and not probe("import pyarrow", env):
        tables = time_tables(data_sizes, spec, env, server_cpu, min(args.rounds, 3), report.fail)
    dask: dict[str, list[float]] = {}
    if not args.skip_dask and "twiorm" not in unavailable and not probe("import dask", env):
        dask = time_dask(env, min(args.rounds, 3), report.fail)
    import_names = ["python -c pass", *(c for c in ("sdk", "twiorm") if c not in unavailable)]
    imports = {}
    if not args.skip_imports:
        imports = time_imports(env, import_names, args.import_rounds, report.fail)

    report.print_streams(labels)
    report.print_ratios("twiorm" not in unavailable)
    if imports:
        print_imports(imports, import_names, args.import_rounds)
    if gets:
        print_gets(gets, get_clients, args.rounds, args.get_count)
    if asyncs:
        print_async(asyncs, min(args.rounds, 3))
    if tables:
        print_tables(tables, data_sizes, min(args.rounds, 3))
    if dask:
        print_dask(dask, min(args.rounds, 3))
    report.check_checksums()
    for name in unavailable:
        print("twiorm: not importable" if name == "twiorm" else "sdk: twilio not installed")
    if report.failures:
        print(f"\n{len(report.failures)} failure(s):")
        for failure, count in Counter(report.failures).items():
            print(f"- {failure}" + (f" ({count} times)" if count > 1 else ""))
        sys.exit(1)


if __name__ == "__main__":
    main()
