"""The promises of the README's "Guarantees" section that no other test file checks.

* Interrupted runs: a run killed (SIGKILL, SIGINT) or failing at any point leaves no
  half-written file under a final name and no manifest; a re-run into the same folder
  writes the complete, identical set and removes what is stale (files an earlier run
  wrote that this run does not write), never a file the tool did not write.
* Big and hostile files: a 100 MB single-line page dump, JSONL or CSV and a 1 GB file
  are read in bounded memory (peak RSS measured in a subprocess) or refused with a
  one-line load-report reason; the limit can be raised.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mediabias import report as report_mod
from mediabias.cli import main
from mediabias.corpus import read_sources, sources
from mediabias.report import ReportOptions, run_report

MB = 1 << 20
WORDS = ("the army said troops moved into the occupied territory while militants and terrorists fired rockets ; "
         "officials claimed civilians were killed in the strike and protesters rallied outside").split()


def write_corpus(path: Path, n: int, words: int = 80, seed: int = 1) -> Path:
    import random

    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(n):
            text = " ".join(rng.choice(WORDS) for _ in range(words)).replace(" ; ", ". ") + "."
            f.write(json.dumps({"id": f"a{i}", "outlet": f"Outlet {i % 4}", "title": f"Report {i}",
                                "date": "2024-01-02", "text": text}) + "\n")
    return path


def final_files(out: Path) -> dict[str, bytes]:
    """Every file under a final name (no hidden part), by relative path."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)}


def hidden(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


def tables(files: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in files.items() if k != "manifest.json"}


OPTIONS = ReportOptions(jobs=1, chunk_size=20, figures=False)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """300 articles: a run takes a few seconds, written in 15 chunks."""
    return write_corpus(tmp_path_factory.mktemp("corpus") / "articles.jsonl", 300)


@pytest.fixture(scope="module")
def complete(corpus, tmp_path_factory) -> dict[str, bytes]:
    """The tables of an uninterrupted run."""
    out = tmp_path_factory.mktemp("complete")
    run_report([str(corpus)], out, OPTIONS)
    files = final_files(out)
    assert "manifest.json" in files and hidden(out) == []
    return tables(files)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """100 articles (5 chunks): for the in-process runs, where faults are injected."""
    return write_corpus(tmp_path_factory.mktemp("small") / "articles.jsonl", 100, seed=3)


@pytest.fixture(scope="module")
def small_complete(small, tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("small_complete")
    run_report([str(small)], out, OPTIONS)
    return tables(final_files(out))


def assert_each_complete_or_absent(out: Path, *complete_sets: dict[str, bytes]) -> None:
    """No manifest; every file under a final name is whole: byte-equal to a complete run's file."""
    files = final_files(out)
    assert "manifest.json" not in files
    for name, data in files.items():
        assert any(s.get(name) == data for s in complete_sets), f"{name} exists but is not a complete output"


def assert_rerun_complete(out: Path, corpus: Path, complete: dict[str, bytes], keep: dict[str, bytes] = {}):
    run_report([str(corpus)], out, OPTIONS)
    files = final_files(out)
    manifest = json.loads(files.pop("manifest.json"))
    assert files == {**complete, **keep}
    assert sorted(manifest["outputs"]) == sorted(complete)
    assert hidden(out) == [], "staging folder or record of an interrupted run left behind"


# ============================================================================ interrupted runs


def _partial_tables(out: Path) -> list[Path]:
    """Tables being written (a temporary file with something in it) in the run's staging folder."""
    found = []
    for p in out.glob(".mediabias-run-*/.*.tmp-*"):
        try:
            if p.stat().st_size > 0:
                found.append(p)
        except FileNotFoundError:  # renamed into place meanwhile
            pass
    return found


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_signalled_run_leaves_no_incomplete_output_and_rerun_completes(corpus, complete, tmp_path, sig):
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "mediabias.cli", "report", str(corpus), "--out", str(out),
                             "--jobs", "1", "--chunk-size", "20", "--no-figures", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    mid_run = False
    while time.time() < deadline and proc.poll() is None:  # wait until tables are being written
        if _partial_tables(out):
            # Stopped, the run cannot finish between the check and the signal (on a busy machine it
            # once did: the signal came after the last table, and the run exited 0). A signal sent
            # to a stopped process is handled as soon as it continues.
            proc.send_signal(signal.SIGSTOP)
            try:
                mid_run = bool(_partial_tables(out)) and not (out / "manifest.json").exists()
                if mid_run:
                    proc.send_signal(sig)
            finally:
                proc.send_signal(signal.SIGCONT)
            if mid_run:
                break
        time.sleep(0.01)
    assert mid_run, "the run ended before it could be interrupted"
    _, err = proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert (proc.returncode, "interrupted" in err) == (130, True), err
        assert hidden(out) == []  # the staging folder is removed on the way out
    else:
        assert proc.returncode == -signal.SIGKILL
    assert_each_complete_or_absent(out, complete)
    assert_rerun_complete(out, corpus, complete)


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started (Linux: /proc/PID/task/TID/children)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(x) for x in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _running_workers(pid: int) -> list[int]:
    """Worker processes of ``pid``'s runs that are running: main -> forkserver -> workers."""
    return [w for p in _children(pid) for w in _children(p) if _running(w)]


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


NO_PROC_CHILDREN = not Path(f"/proc/self/task/{os.getpid()}/children").exists()


@pytest.mark.skipif(NO_PROC_CHILDREN, reason="finds the worker processes in /proc/PID/task/TID/children")
@pytest.mark.parametrize("action", ["kill a worker", "SIGINT"])
def test_run_on_workers_stopped_mid_run_ends_cleanly_and_stops_its_workers(tmp_path, action):
    """--jobs 2, signalled while chunks are on the workers. A worker killed (as by the system when
    memory runs out) ends the run with a one-line error, not a wait for ever; Ctrl-C ends it with 130.
    Either way no worker is left running and no incomplete output is left under a final name."""
    corpus = write_corpus(tmp_path / "articles.jsonl", 600, seed=5)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "mediabias.cli", "report", str(corpus), "--out", str(out),
                             "--jobs", "2", "--chunk-size", "10", "--no-figures", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    workers: list[int] = []
    try:
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None and not workers:
            if _partial_tables(out):  # the first chunks are back: 50 more are to come
                proc.send_signal(signal.SIGSTOP)
                try:
                    # main -> forkserver -> workers (the forkserver has no other children while chunks run)
                    workers = _running_workers(proc.pid)
                    if workers and not (out / "manifest.json").exists():
                        if action == "SIGINT":
                            proc.send_signal(signal.SIGINT)
                        else:
                            os.kill(workers[0], signal.SIGKILL)
                finally:
                    proc.send_signal(signal.SIGCONT)
            time.sleep(0.01)
        assert workers, "the run ended before its workers could be found"
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:  # a run that hangs (as multiprocessing.Pool did on a killed worker)
            proc.kill()
            proc.communicate()
    if action == "SIGINT":
        assert (proc.returncode, "interrupted" in err) == (130, True), err
    else:
        assert proc.returncode == 1, err
        assert "worker process ended abruptly" in err and "--jobs" in err, err
        assert "Traceback" not in err, err
    assert not (out / "manifest.json").exists()
    assert hidden(out) == [], "staging folder left behind"
    deadline = time.time() + 30
    while time.time() < deadline and any(_running(p) for p in workers):
        time.sleep(0.1)
    assert not any(_running(p) for p in workers), "a worker process outlived the run"


@pytest.mark.skipif(NO_PROC_CHILDREN, reason="finds the worker processes in /proc/PID/task/TID/children")
def test_failure_in_the_main_process_stops_the_workers_before_the_error_is_handled(small, tmp_path, monkeypatch):
    """An error while the chunks' rows are written (a full disk, say) stops the worker processes at
    once, not when the exception is let go (a caller may keep it, as pytest does here)."""
    from mediabias import engine

    monkeypatch.setattr(engine.TableWriter, "write_csv", _fail_on_call(engine.TableWriter.write_csv, 2))
    with pytest.raises(Fault) as kept:  # the exception, and with it the run's frames, are kept
        run_report([str(small)], tmp_path / "out", ReportOptions(jobs=2, chunk_size=10, figures=False))
    assert _running_workers(os.getpid()) == [], "worker processes still running while the error is being handled"
    assert kept.value.__traceback__ is not None


class _SignalsInFinalizer:
    """Sends SIGINT to this process while Python runs its ``__del__``: the KeyboardInterrupt
    is raised inside the finalizer, where Python prints "Exception ignored" and goes on."""

    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):  # bytecodes, so the pending signal is handled here
            pass


@pytest.mark.parametrize("where", ["_run_staged", "_swap_in"])
def test_interrupt_swallowed_by_a_finalizer_still_stops_the_run(small, tmp_path, monkeypatch, capsys, where):
    real = getattr(report_mod, where)

    def then_interrupt(*args, **kwargs):
        result = real(*args, **kwargs)
        obj = _SignalsInFinalizer()
        del obj
        return result

    monkeypatch.setattr(report_mod, where, then_interrupt)
    swallowed = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: swallowed.append(u.exc_type))
    out = tmp_path / "out"
    before = signal.getsignal(signal.SIGINT)
    code = main(["report", str(small), "--out", str(out), "--jobs", "1", "--chunk-size", "20", "--no-figures",
                 "--quiet"])
    err = capsys.readouterr().err
    assert swallowed == [KeyboardInterrupt]  # the interrupt really was swallowed by the finalizer ...
    assert code == 130 and "interrupted" in err  # ... and the run stopped all the same
    assert not (out / "manifest.json").exists()
    if where == "_run_staged":
        assert final_files(out) == {}  # interrupted before the swap: nothing put in place
    assert signal.getsignal(signal.SIGINT) is before  # the command puts the previous handler back
    try:  # the interrupt was this command's, not the process's
        run_report([str(small)], tmp_path / "again", OPTIONS)
    except KeyboardInterrupt:
        pytest.fail("a later run_report in the same process was stopped by the command's interrupt")


class Fault(Exception):
    pass


def _fail_on_call(real, n: int, when=lambda *a, **k: True):
    calls = [0]

    def wrapper(*args, **kwargs):
        if when(*args, **kwargs):
            calls[0] += 1
            if calls[0] == n:
                raise Fault(f"injected fault at call {n}")
        return real(*args, **kwargs)
    return wrapper


@pytest.fixture(scope="module")
def older(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """A smaller corpus whose tables differ from ``complete``'s: what an earlier run left in the folder."""
    corpus = write_corpus(tmp_path_factory.mktemp("older") / "articles.jsonl", 30, seed=7)
    out = tmp_path_factory.mktemp("older_out")
    run_report([str(corpus)], out, OPTIONS)
    return out, tables(final_files(out))


def _copy_tree(src: Path, dst: Path) -> None:
    import shutil

    shutil.copytree(src, dst)


@pytest.mark.parametrize("where,n", [("engine", 3), ("tables", 2), ("swap", 1), ("swap", 6), ("manifest", 1)])
def test_fault_at_any_point_then_rerun_replaces_the_whole_set(small, small_complete, older, tmp_path, monkeypatch,
                                                               where, n):
    older_out, older_tables = older
    out = tmp_path / "out"
    _copy_tree(older_out, out)
    # An output of an older version, listed in its manifest, and a file of the user's.
    (out / "old_table.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs"].append("old_table.csv")
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (out / "my notes.txt").write_text("mine", encoding="utf-8")

    stage = f".mediabias-run-{os.getpid()}"
    if where == "engine":  # while the per-article tables are being appended
        from mediabias import engine

        monkeypatch.setattr(engine.TableWriter, "write_csv", _fail_on_call(engine.TableWriter.write_csv, n))
    elif where == "tables":  # while the outlet-level tables are written
        monkeypatch.setattr(report_mod, "write_table", _fail_on_call(report_mod.write_table, n))
    elif where == "swap":  # halfway through renaming the new set into place
        monkeypatch.setattr(report_mod.os, "replace", _fail_on_call(
            os.replace, n, when=lambda src, dst: stage in str(src) and stage not in str(dst)))
    else:  # after the swap, writing the manifest
        monkeypatch.setattr(report_mod, "write_json", _fail_on_call(
            report_mod.write_json, n, when=lambda data, path: Path(path).name == "manifest.json"))
    with pytest.raises(Fault):
        run_report([str(small)], out, OPTIONS)
    monkeypatch.undo()

    assert_each_complete_or_absent(out, small_complete, older_tables, {"my notes.txt": b"mine",
                                                                  "old_table.csv": b"a,b\n1,2\n"})
    assert not (out / stage).exists()
    assert_rerun_complete(out, small, small_complete, keep={"my notes.txt": b"mine"})


def test_rerun_without_figures_removes_figures_and_html_even_after_an_interrupted_run(small, small_complete, tmp_path,
                                                                                      monkeypatch):
    out = tmp_path / "out"
    # What a run with figures leaves (test_cli_report checks a real one writes these; drawing them here is slow).
    out.mkdir()
    drawn = ["report.html", "figures/rates.png", "figures/rates.csv", "figures/deep/more.png"]
    for name in drawn:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(b"drawn")
    (out / "manifest.json").write_text(json.dumps({"outputs": drawn + ["articles.csv"]}), encoding="utf-8")
    (out / "figures" / "mine.png").write_bytes(b"not the tool's")  # never deleted
    # An interrupted run into the folder: the manifest, which listed the figures, is gone ...
    monkeypatch.setattr(report_mod, "write_table", _fail_on_call(report_mod.write_table, 1))
    with pytest.raises(Fault):
        run_report([str(small)], out, OPTIONS)
    monkeypatch.undo()
    assert not (out / "manifest.json").exists()
    # ... but the next run still knows what the earlier one wrote.
    assert_rerun_complete(out, small, small_complete, keep={"figures/mine.png": b"not the tool's"})
    assert not (out / "report.html").exists()
    assert [p.name for p in (out / "figures").iterdir()] == ["mine.png"]  # figures/deep/ removed once empty


def test_outputs_listed_outside_the_folder_are_never_deleted(small, small_complete, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.csv"
    victim.write_text("keep", encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps({"outputs": ["../victim.csv", str(victim), "x/../../victim.csv"]}),
                                       encoding="utf-8")
    assert_rerun_complete(out, small, small_complete)
    assert victim.read_text(encoding="utf-8") == "keep"


# ============================================================================ big and hostile files

# Peak RSS of the reading process: VmHWM (Linux; reset by exec), else getrusage's ru_maxrss (which on
# Linux keeps the peak of the process that forked it: the pytest process).
READ_AND_MEASURE = """
import json, resource, sys
from mediabias.corpus import read_sources
got = read_sources(sys.argv[1])
try:
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0]
    rss = int(hwm.split()[1]) / 1024
except (OSError, IndexError):
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rss_mb": rss,
                  "rows": got.load_report[["source", "status", "reason"]].values.tolist(), "n": len(got.articles)}))
"""
LINE = json.dumps({"id": "ok", "outlet": "Valley Post", "text": "A short article about the harbour strike."}) + "\n"


def measure(path: Path) -> dict:
    r = subprocess.run([sys.executable, "-c", READ_AND_MEASURE, str(path)], capture_output=True, text=True,
                       timeout=120, env={**os.environ, "MEDIABIAS_MAX_RECORD_MB": ""})
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def write_long_line(path: Path, head: str, tail: str, mb: int = 100) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        f.write(head)
        for _ in range(mb):
            f.write("word " * (MB // 5))
        f.write(tail)
    return path


@pytest.fixture(scope="module")
def baseline_rss(tmp_path_factory) -> float:
    path = tmp_path_factory.mktemp("rss") / "small.jsonl"
    path.write_text(LINE, encoding="utf-8")
    got = measure(path)
    assert got["n"] == 1
    return got["rss_mb"]


#: Memory a hostile file may add to reading a one-line file: about three times the 32 MB record limit.
BOUND_MB = 100


def check_bounded(got: dict, baseline_rss: float, name: str) -> None:
    print(f"{name}: peak RSS {got['rss_mb']:.0f} MB (a one-line file: {baseline_rss:.0f} MB)")
    assert got["rss_mb"] - baseline_rss < BOUND_MB, got["rss_mb"]
    for _source, _status, reason in got["rows"]:
        assert "\n" not in reason and "Traceback" not in reason


@pytest.mark.parametrize("name,head,tail,where,n", [
    ("page.txt", "", "", "page.txt", 0),
    ("page.html", "<html><body><p>", "</p></body></html>", "page.html", 0),
    ("records.json", '{"text": "', '"}', "records.json", 0),
    ("lines.jsonl", LINE + '{"text": "', '"}\n' + LINE.replace('"ok"', '"ok2"'), "lines.jsonl:2", 2),
    ("rows.csv", "id,text\n1,", "\n2,a short row of text\n", "rows.csv:2", 1),
    ("rows.tsv", "id\ttext\n1\t", "\n2\ta short row of text\n", "rows.tsv:2", 1),
])
def test_100_mb_single_line_is_refused_in_bounded_memory(tmp_path, baseline_rss, name, head, tail, where, n):
    got = measure(write_long_line(tmp_path / name, head, tail))
    check_bounded(got, baseline_rss, name)
    rows = {source: (status, reason) for source, status, reason in got["rows"]}
    status, reason = rows[where]
    assert status == "error" and "100.0 MB" in reason and "32.0 MB limit" in reason and "--max-record-mb" in reason
    assert got["n"] == n  # the other lines and rows of a table were read


def test_1_gb_file_is_read_in_bounded_memory(tmp_path, baseline_rss):
    """2,000 articles, then a 1 GB line (a sparse run of NUL bytes), then one more article."""
    path = tmp_path / "giga.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for i in range(2000):
            f.write(LINE.replace('"ok"', f'"ok{i}"'))
        f.truncate(1 << 30)
        f.seek(1 << 30)
        f.write("\n" + LINE.replace('"ok"', '"last"'))
    got = measure(path)
    check_bounded(got, baseline_rss, "giga.jsonl")
    assert got["n"] == 2001
    assert [r for r in got["rows"] if r[1] == "error"] == [
        ["giga.jsonl:2001", "error", "line is 1023.8 MB long, over the 32.0 MB limit for one record; not read, "
         "the other lines were. Raise the limit with --max-record-mb N (or MEDIABIAS_MAX_RECORD_MB=N) if it "
         "really is one record."]]


@pytest.mark.parametrize("name", ["sparse.txt", "sparse.json", "sparse.html"])
def test_1_gb_file_read_whole_is_refused_without_reading_it(tmp_path, name):
    path = tmp_path / name
    with open(path, "wb") as f:
        f.truncate(1 << 30)
    got = read_sources(path)
    [(status, reason)] = got.load_report[["status", "reason"]].values.tolist()
    assert status == "error" and reason.startswith("file is 1024.0 MB, over the 32.0 MB limit")


def test_record_limit_can_be_raised(tmp_path, monkeypatch):
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps({"id": "big", "outlet": "X", "text": "word " * (MB // 4)}) + "\n" + LINE,
                    encoding="utf-8")
    monkeypatch.setattr(sources, "MAX_RECORD_BYTES", MB // 2)
    got = read_sources(path)
    assert len(got.articles) == 1 and "over the 0.5 MB limit" in got.load_report["reason"].iloc[0]
    out = tmp_path / "read"
    assert main(["read", str(path), "--out", str(out), "--quiet", "--max-record-mb", "2"]) == 0
    assert sources.MAX_RECORD_BYTES == 2 * MB
    assert "big.jsonl,loaded,jsonl (utf-8),2\n" in (out / "load_report.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("value,expected", [("64", 64 * MB), ("0.5", MB // 2), ("", 32 * MB), ("junk", 32 * MB)])
def test_record_limit_from_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("MEDIABIAS_MAX_RECORD_MB", value)
    assert sources._limit_from_env() == expected


def test_help_names_the_record_limit(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    assert "--max-record-mb" in capsys.readouterr().out
