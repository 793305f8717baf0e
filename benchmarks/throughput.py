#!/usr/bin/env python
"""``make bench``: throughput and memory of ``miner mine``, as ratios measured in one run.

On ../shared/corpora/evidence_inference_exercise/articles:

1. floor: the same texts through ``spacy.blank("en")`` with scispaCy's tokenizer and a
   sentencizer, nothing else; then the whole pipeline. Ratio = pipeline / floor time.
2. ``miner mine`` with 1 worker and with 2 workers: ratio of throughputs, as wall-clock
   time and without the start-up (spaCy import and pipeline build, ~5 s, serial).
3. Re-mining the unchanged folder: ratio of its time to the first run's.
4. Peak RSS mining the corpus 10 times over (renamed copies) vs once; and 1 vs 2
   workers on those copies, where the start-up is amortised.

    python benchmarks/throughput.py --shared ../shared [--quick]   (--quick: step 1 only)

Targets: 1 <= 6x (with the trained components; 3x before them), 2 >= 1.6x, 3 <= 5%, 4 <= 1.2x.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
import miner  # noqa: E402,F401  (first: one BLAS thread per process, as in `miner mine`)
MINER = [sys.executable, "-m", "miner.cli"]


def _texts(folder: Path) -> list[str]:
    from miner.articles.readers import iter_folder
    from miner.articles.model import Article

    return [a.text for a in iter_folder(folder) if isinstance(a, Article)]


def pipeline_vs_floor(folder: Path) -> dict:
    import spacy
    from scispacy.custom_tokenizer import combined_rule_tokenizer

    from miner.articles.model import Article
    from miner.articles.readers import iter_folder
    from miner.pipeline import annotate, build_pipeline

    articles = [a for a in iter_folder(folder) if isinstance(a, Article)]
    texts = [a.text for a in articles]
    floor_nlp = spacy.blank("en")
    floor_nlp.tokenizer = combined_rule_tokenizer(floor_nlp)
    floor_nlp.add_pipe("sentencizer")
    nlp = build_pipeline()
    # Warm both (vocabularies, caches), then time each once over the same texts.
    list(floor_nlp.pipe(texts[:5]))
    list(annotate(nlp, articles[:5]))
    started = time.perf_counter()
    for _ in floor_nlp.pipe(texts, batch_size=16):
        pass
    floor = time.perf_counter() - started
    started = time.perf_counter()
    for _ in annotate(nlp, articles, batch_size=16):
        pass
    full = time.perf_counter() - started
    size = sum(len(t) for t in texts)
    return {"articles": len(texts), "megabytes": round(size / 1e6, 2), "floor_seconds": round(floor, 2),
            "pipeline_seconds": round(full, 2), "ratio": round(full / floor, 2)}


def _mine(folder: Path, db: Path, *extra: str) -> tuple[float, int, float]:
    """Seconds, peak RSS (kB) and pipeline start-up seconds of one ``miner mine`` process."""
    command = ["/usr/bin/time", "-f", "%M", *MINER, "mine", str(folder), "--db", str(db), *extra]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 3):
        raise SystemExit(f"miner mine failed: {result.stderr[-2000:]}")
    rss = int(result.stderr.strip().splitlines()[-1])
    startup = re.search(r"pipeline built in ([\d.]+)s", result.stderr)
    return seconds, rss, float(startup.group(1)) if startup else 0.0


def workers(folder: Path, tmp: Path) -> dict:
    """Wall-clock speed-up of two workers over one, and the same without the start-up
    (importing spaCy and building the pipeline, once per run, before any worker starts)."""
    one, _, one_startup = _mine(folder, tmp / "w1.db", "--workers", "1")
    two, _, two_startup = _mine(folder, tmp / "w2.db", "--workers", "2")
    return {"one_worker_seconds": round(one, 1), "two_workers_seconds": round(two, 1),
            "speedup": round(one / two, 2), "startup_seconds": round((one_startup + two_startup) / 2, 1),
            "speedup_after_startup": round((one - one_startup) / (two - two_startup), 2)}


def remine(folder: Path, tmp: Path) -> dict:
    first, _, _ = _mine(folder, tmp / "r.db")
    again, _, _ = _mine(folder, tmp / "r.db")
    return {"first_seconds": round(first, 1), "unchanged_seconds": round(again, 2),
            "ratio": round(again / first, 3)}


def memory(folder: Path, tmp: Path, copies: int) -> dict:
    big = tmp / "big"
    for i in range(copies):
        target = big / f"copy{i:02d}"
        target.mkdir(parents=True)
        for path in folder.iterdir():
            if path.is_file():
                # Renamed, so that every copy is a new article.
                (target / f"c{i:02d}_{path.name}").write_bytes(path.read_bytes())
    _, rss_one, _ = _mine(folder, tmp / "m1.db", "--workers", "1")
    one_big, rss_big, _ = _mine(big, tmp / "m10.db", "--workers", "1")
    # The same large corpus with two workers: the speed-up once start-up is amortised.
    two_big, _, _ = _mine(big, tmp / "w10.db", "--workers", "2")
    return {"copies": copies, "peak_rss_1x_mb": round(rss_one / 1024), f"peak_rss_{copies}x_mb": round(rss_big / 1024),
            "ratio": round(rss_big / rss_one, 2), f"one_worker_{copies}x_seconds": round(one_big, 1),
            f"two_workers_{copies}x_seconds": round(two_big, 1), "workers_speedup": round(one_big / two_big, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="only the pipeline against the tokenizer floor")
    args = parser.parse_args()
    folder = args.shared / "corpora" / "evidence_inference_exercise" / "articles"
    if not folder.is_dir():
        sys.exit(f"{folder}: not found; give --shared PATH")
    results = {}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        results["pipeline_vs_floor"] = pipeline_vs_floor(folder)
        print("pipeline vs tokenizer floor:", results["pipeline_vs_floor"], flush=True)
        if args.quick:
            return
        results["workers"] = workers(folder, tmp)
        print("1 vs 2 workers:", results["workers"], flush=True)
        results["remine"] = remine(folder, tmp)
        print("re-mine unchanged:", results["remine"], flush=True)
        results["memory"] = memory(folder, tmp, args.copies)
        print("peak memory, and 1 vs 2 workers on the copies:", results["memory"], flush=True)
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
