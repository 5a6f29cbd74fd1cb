"""Benchmarks the assistant: accuracy against two search baselines, speed and cost, a profile.

    python -m scripts.bench [--runs 3] [--out reports/bench.md] [--train]

A. Accuracy on tests/dev_set.yml, one run: the assistant over the REST webhook, keyword search
   (BM25 Okapi over the 41 paragraphs) and semantic search (all-MiniLM-L6-v2, cosine). The
   searches always return their top paragraph: they never decline and never escalate.
B. Speed and cost, the median of --runs runs: REST round trips at concurrency 1 and 16,
   throughput, the in-process floor, start-up time, memory, training time (--train only,
   about two minutes a run) and model size.
C. A cProfile of one in-process parse_message.

Servers run on free loopback ports in a temporary folder and are stopped at the end; run from
the repository root with scripts/env.sh sourced.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import logging
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import numpy as np
import requests
import yaml
from rank_bm25 import BM25Okapi
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.utils.log_utils import configure_structlog
from transformers import BertTokenizer, TFBertModel

from scripts.evaluate import DEFAULT_DEV_SET, Score, ask, evaluate
from scripts.servers import MODEL, RASA, ROOT, Servers

PARAGRAPHS_FILE = ROOT / "data" / "policy" / "paragraphs.yml"
MINILM = ROOT / "build" / "all-MiniLM-L6-v2"
MINILM_MAX_TOKENS = 256  # the sequence length all-MiniLM-L6-v2 was trained with
SAFEGUARDING_PARAGRAPH = 33
QUESTION_STRIDE = 5  # every 5th dev question: 42 questions for the speed measures
WARM_UP_QUESTIONS = 5
HIGH_CONCURRENCY = 16
PROFILE_TOP = 8
TRAIN_TIMEOUT = 1800

Search = Callable[[list[str]], list[int]]

ACCURACY_ROWS = {
    "primary_cited": "primary paragraph right (in scope and safeguarding)",
    "safeguarding_escalated": "safeguarding routed to paragraph 33 (assistant: DSL and LADO named)",
    "out_of_scope_declined": "out of scope declined",
}

SPEED_ROWS = {
    "p50_c1": ("REST round trip p50, concurrency 1", "{:.0f} ms"),
    "p95_c1": ("REST round trip p95, concurrency 1", "{:.0f} ms"),
    "p50_c16": (f"REST round trip p50, concurrency {HIGH_CONCURRENCY}", "{:.0f} ms"),
    "p95_c16": (f"REST round trip p95, concurrency {HIGH_CONCURRENCY}", "{:.0f} ms"),
    "throughput": (f"messages per second, concurrency {HIGH_CONCURRENCY}", "{:.1f}"),
    "parse_p50": ("in-process parse_message p50", "{:.0f} ms"),
    "floor_p50": ("in-process floor p50 (parse + next action prediction)", "{:.0f} ms"),
    "ratio": ("round trip p50 (concurrency 1) / floor p50", "{:.1f}x"),
    "startup": ("Rasa server start-up to ready (/status has model_file)", "{:.1f} s"),
    "rss_rasa": ("resident memory, Rasa server (with children)", "{:.0f} MiB"),
    "rss_actions": ("resident memory, action server (with children)", "{:.0f} MiB"),
    "training": ("full training time (rasa train --force)", "{:.0f} s"),
    "model_size": ("model size, models/smp.tar.gz", "{:.1f} MiB"),
}


# ---------- A. accuracy ----------


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def keyword_search(paragraphs: list[dict]) -> Search:
    bm25 = BM25Okapi([words(p["text"]) for p in paragraphs])
    numbers = [p["number"] for p in paragraphs]
    return lambda questions: [numbers[int(np.argmax(bm25.get_scores(words(q))))] for q in questions]


def minilm_encoder() -> Callable[[list[str]], np.ndarray]:
    """Sentence vectors as sentence-transformers makes them: masked mean, L2-normalised."""
    tokenizer = BertTokenizer.from_pretrained(str(MINILM))
    model = TFBertModel.from_pretrained(str(MINILM))

    def encode(texts: list[str]) -> np.ndarray:
        batch = tokenizer(
            texts,
            padding=True,
            truncation=True,
            max_length=MINILM_MAX_TOKENS,
            return_tensors="np",
        )
        tokens = model(dict(batch)).last_hidden_state.numpy()
        mask = batch["attention_mask"][..., None]
        means = (tokens * mask).sum(axis=1) / mask.sum(axis=1)
        return means / np.linalg.norm(means, axis=1, keepdims=True)

    return encode


def semantic_search(paragraphs: list[dict]) -> Search:
    encode = minilm_encoder()
    paragraph_vectors = encode([p["text"] for p in paragraphs])
    numbers = [p["number"] for p in paragraphs]

    def search(questions: list[str]) -> list[int]:
        similarities = encode(questions) @ paragraph_vectors.T
        return [numbers[int(i)] for i in similarities.argmax(axis=1)]

    return search


def search_scores(items: list[dict], search: Search) -> dict[str, Score]:
    """The assistant's measures for a search that answers with its top paragraph."""
    scores = {name: Score() for name in ACCURACY_ROWS}
    for item, paragraph in zip(items, search([item["q"] for item in items]), strict=True):
        if item["kind"] in ("in_scope", "safeguarding"):
            scores["primary_cited"].add(paragraph == item["paras"][0], item["q"])
        if item["kind"] == "safeguarding":
            scores["safeguarding_escalated"].add(paragraph == SAFEGUARDING_PARAGRAPH, item["q"])
        if item["kind"] == "out_of_scope":
            scores["out_of_scope_declined"].add(False, item["q"])
    return scores


@contextmanager
def rasa_running(servers: Servers) -> Iterator[float]:
    """Starts the Rasa server and yields its start-up time; stops it, showing its log on a
    failed request (the log is in a temporary folder)."""
    start = time.perf_counter()
    servers.start_rasa()
    assert servers.rasa is not None
    try:
        yield time.perf_counter() - start
    except requests.RequestException as error:
        raise RuntimeError(f"{error}\nRasa server log:\n{servers.rasa.log_tail()}") from error
    finally:
        servers.rasa.stop()


def assistant_scores(servers: Servers) -> dict[str, Score]:
    with rasa_running(servers):
        return evaluate(servers.url)


# ---------- B. speed and cost ----------


def percentile_ms(seconds: list[float], q: float) -> float:
    return float(np.percentile(seconds, q)) * 1000


def timed_ask(url: str, question: str) -> float:
    start = time.perf_counter()
    ask(url, question)
    return time.perf_counter() - start


def round_trips(url: str, questions: list[str], concurrency: int) -> tuple[list[float], float]:
    """Each question once, from a new sender, `concurrency` at a time: latencies and wall time."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        latencies = list(pool.map(lambda question: timed_ask(url, question), questions))
    return latencies, time.perf_counter() - start


def parent_pids() -> dict[int, int]:
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            after_name = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended while we looked
            continue
        parents[int(stat.parent.name)] = int(after_name[1])
    return parents


def rss_mb(pid: int) -> float:
    """VmRSS of `pid` and all its descendants, in MiB."""
    parents = parent_pids()
    tree = [pid]
    for member in tree:  # grows as children are found; /proc has finitely many processes
        tree.extend(child for child, parent in parents.items() if parent == member)
    total_kb = 0
    for member in tree:
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total_kb += int(match.group(1)) if match else 0
    return total_kb / 1024


def server_run(servers: Servers, questions: list[str]) -> dict[str, float]:
    """Starts the Rasa server, measures it over REST, stops it."""
    with rasa_running(servers) as startup:
        round_trips(servers.url, questions[:WARM_UP_QUESTIONS], 1)
        serial, _ = round_trips(servers.url, questions, 1)
        loaded, wall = round_trips(servers.url, questions, HIGH_CONCURRENCY)
        assert servers.rasa is not None and servers.actions is not None
        return {
            "p50_c1": percentile_ms(serial, 50),
            "p95_c1": percentile_ms(serial, 95),
            "p50_c16": percentile_ms(loaded, 50),
            "p95_c16": percentile_ms(loaded, 95),
            "throughput": len(questions) / wall,
            "startup": startup,
            "rss_rasa": rss_mb(servers.rasa.popen.pid),
            "rss_actions": rss_mb(servers.actions.popen.pid),
        }


async def parse_seconds(agent: Agent, question: str) -> float:
    start = time.perf_counter()
    await agent.parse_message(question)
    return time.perf_counter() - start


async def floor_seconds(agent: Agent, question: str) -> float:
    """What the server must do at least: parse, log on a new tracker, predict the first action.
    Not included: running the action (a call to the action server) and saving the tracker."""
    start = time.perf_counter()
    message = UserMessage(question, sender_id=f"bench-{uuid.uuid4().hex}")
    tracker = await agent.processor.log_message(message, should_save_tracker=False)
    agent.processor.predict_next_with_tracker_if_should(tracker)
    return time.perf_counter() - start


async def in_process_run(agent: Agent, questions: list[str]) -> dict[str, float]:
    for question in questions[:WARM_UP_QUESTIONS]:
        await floor_seconds(agent, question)
    parses = [await parse_seconds(agent, question) for question in questions]
    floors = [await floor_seconds(agent, question) for question in questions]
    return {"parse_p50": percentile_ms(parses, 50), "floor_p50": percentile_ms(floors, 50)}


def training_seconds() -> float:
    """A full `rasa train --force` into a temporary folder, with an empty cache of its own."""
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, RASA_CACHE_DIRECTORY=str(Path(out) / "cache"))
        start = time.perf_counter()
        subprocess.run(
            [str(RASA), "train", "--domain", "domain.yml", "--data", "data"]
            + ["--config", "config.yml", "--out", out, "--force"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=TRAIN_TIMEOUT,
        )
        return time.perf_counter() - start


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def speed_figures(
    server_runs: list[dict[str, float]],
    in_process_runs: list[dict[str, float]],
    training_runs: list[float],
) -> dict[str, float]:
    figures = medians([s | p for s, p in zip(server_runs, in_process_runs, strict=True)])
    figures["ratio"] = figures["p50_c1"] / figures["floor_p50"]
    figures["model_size"] = MODEL.stat().st_size / 2**20
    if training_runs:
        figures["training"] = statistics.median(training_runs)
    return figures


# ---------- C. profile ----------


async def profile_parse(agent: Agent, question: str) -> pstats.Stats:
    await agent.parse_message(question)  # warm-up
    profiler = cProfile.Profile()
    profiler.enable()
    await agent.parse_message(question)
    profiler.disable()
    return pstats.Stats(profiler)


def function_name(key: tuple[str, int, str]) -> str:
    filename, line, name = key
    if filename == "~":  # a built-in
        return name
    short = re.sub(r".*/site-packages/", "", filename).replace(str(ROOT) + "/", "")
    return f"{name} ({short}:{line})"


def timings(stats: pstats.Stats) -> dict[tuple[str, int, str], tuple]:
    """pstats' table of timings per function: its `stats` attribute, which typeshed omits."""
    return vars(stats)["stats"]


def profile_rows(stats: pstats.Stats) -> list[tuple[float, float, int, str]]:
    """(cumulative s, own s, calls, function) for every profiled function, by cumulative time."""
    rows = [
        (cumulative, own, calls, function_name(key))
        for key, (_, calls, own, cumulative, _) in timings(stats).items()
    ]
    return sorted(rows, reverse=True)


def biggest_cost(rows: list[tuple[float, float, int, str]]) -> str:
    """The pipeline component (its `process` method) taking the most time, and the function
    with the most time of its own."""
    total = rows[0][0]
    component = max((row for row in rows if row[3].startswith("process (")), key=lambda r: r[0])
    hottest = max(rows, key=lambda row: row[1])
    return (
        f"Biggest cost: the component `{component[3]}`, {component[0] * 1000:.0f} ms, "
        f"{component[0] / total:.0%} of the request; most time of its own: `{hottest[3]}`, "
        f"{hottest[1] * 1000:.0f} ms."
    )


# ---------- report ----------


def machine_header(runs: int) -> list[str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    cpu = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return [
        "# Benchmark: Social Media Policy assistant",
        "",
        f"- date: {datetime.now().isoformat(timespec='seconds')}",
        f"- machine: {platform.machine()}, {cpu.group(1) if cpu else 'unknown CPU'}, "
        f"{os.cpu_count()} cores, load average {load} at the start",
        f"- speed figures: median of {runs} run(s)",
    ]


def accuracy_section(columns: dict[str, dict[str, Score]]) -> list[str]:
    lines = [
        "",
        "## A. Accuracy on tests/dev_set.yml (one run)",
        "",
        "| measure | " + " | ".join(columns) + " |",
        "| --- |" + " ---: |" * len(columns),
    ]
    for key, label in ACCURACY_ROWS.items():
        cells = [f"{s[key].rate:.1%} ({s[key].hits}/{s[key].total})" for s in columns.values()]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("The searches always answer with their top paragraph: they never decline.")
    return lines


def speed_section(figures: dict[str, float], questions: int) -> list[str]:
    lines = [
        "",
        "## B. Speed and cost",
        "",
        f"{questions} dev questions per concurrency level, a new sender per request, after "
        f"{WARM_UP_QUESTIONS} warm-up requests. The floor runs in this process "
        "(Agent.load, in-memory tracker store) and leaves out the action server call.",
        "",
        "| measure | value |",
        "| --- | ---: |",
    ]
    for key, (label, form) in SPEED_ROWS.items():
        value = form.format(figures[key]) if key in figures else "not measured (use --train)"
        lines.append(f"| {label} | {value} |")
    return lines


def profile_section(question: str, rows: list[tuple[float, float, int, str]]) -> list[str]:
    lines = [
        "",
        "## C. Profile of one in-process parse_message",
        "",
        f"Question: {question!r}, after one warm-up parse. Top {PROFILE_TOP} by cumulative time:",
        "",
        "| cumulative | own | calls | function |",
        "| ---: | ---: | ---: | --- |",
    ]
    for cumulative, own, calls, name in rows[:PROFILE_TOP]:
        lines.append(f"| {cumulative * 1000:.1f} ms | {own * 1000:.1f} ms | {calls} | `{name}` |")
    lines += ["", biggest_cost(rows)]
    return lines


# ---------- main ----------


def measure_servers(questions: list[str], runs: int):
    """The assistant's accuracy and the server runs, sharing one action server."""
    with tempfile.TemporaryDirectory(prefix="smp-bench-") as workdir:
        servers = Servers(Path(workdir))
        try:
            servers.start_actions()
            accuracy = assistant_scores(servers)
            return accuracy, [server_run(servers, questions) for _ in range(runs)]
        finally:
            servers.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of the speed measures")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench.md")
    parser.add_argument("--train", action="store_true", help="also time full training")
    args = parser.parse_args()
    os.chdir(ROOT)  # the spaCy pipeline path in config.yml is relative to the repository root
    configure_structlog(logging.WARNING)  # the in-process agent would log every parse

    header = machine_header(args.runs)
    items = yaml.safe_load(DEFAULT_DEV_SET.read_text(encoding="utf-8"))
    questions = [item["q"] for item in items[::QUESTION_STRIDE]]
    paragraphs = yaml.safe_load(PARAGRAPHS_FILE.read_text(encoding="utf-8"))["paragraphs"]

    # In process first: a model this code cannot load fails here, before the servers start.
    agent = Agent.load(str(MODEL))
    in_process_runs = [asyncio.run(in_process_run(agent, questions)) for _ in range(args.runs)]
    profiled = questions[0]
    rows = profile_rows(asyncio.run(profile_parse(agent, profiled)))

    assistant, server_runs = measure_servers(questions, args.runs)
    accuracy = {
        "assistant (REST)": assistant,
        "keyword search (BM25)": search_scores(items, keyword_search(paragraphs)),
        "semantic search (MiniLM)": search_scores(items, semantic_search(paragraphs)),
    }
    training_runs = [training_seconds() for _ in range(args.runs)] if args.train else []
    figures = speed_figures(server_runs, in_process_runs, training_runs)

    report = "\n".join(
        header
        + accuracy_section(accuracy)
        + speed_section(figures, len(questions))
        + profile_section(profiled, rows)
    )
    print(report)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report + "\n", encoding="utf-8")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
