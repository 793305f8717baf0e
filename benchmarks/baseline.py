"""Mine a synthetic PubMed baseline file (.xml.gz) and report peak memory.

PubMed's annual baseline comes as ~1,300 gzip files of PubMed XML; miner streams each
one with lxml ``iterparse``. This benchmark writes a synthetic file of the size asked
(default 200 MB of XML: tens of thousands of records with structured abstracts, MeSH
headings and publication types, worded from templates), then mines it and a tenth of it
with ``/usr/bin/time -v``, and reports peak RSS of both: flat memory means the ratio
stays near 1.

    .venv/bin/python benchmarks/baseline.py --megabytes 200 [--workers 2] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
MINER = [str(ROOT / ".venv" / "bin" / "miner")]

INTERVENTIONS = ["Aerobic exercise", "Swimming", "Treadmill running", "Resistance training", "Yoga", "Tai chi",
                 "Pilates", "Walking", "High-intensity interval training", "Aquatic exercise", "Stretching"]
CONDITIONS = ["neuropathic pain", "fibromyalgia", "chronic low back pain", "knee osteoarthritis",
              "diabetic neuropathy", "chronic neck pain", "rheumatoid arthritis", "sciatic nerve injury",
              "migraine", "complex regional pain syndrome"]
BIOMARKERS = ["TNF-α", "IL-1β", "IL-6", "IL-10", "BDNF", "heat shock protein 27", "C-reactive protein",
              "substance P", "cortisol", "beta-endorphin"]
OUTCOMES = ["pain intensity", "mechanical allodynia", "thermal hyperalgesia", "disability", "quality of life",
            "pain threshold", "physical function", "depressive symptoms"]
SPECIES = [("rats", "Rats, Sprague-Dawley", False), ("mice", "Mice, Inbred C57BL", False),
           ("patients", "Humans", True), ("adults", "Humans", True), ("women", "Humans", True)]


def record(rng: random.Random, pmid: int) -> str:
    intervention, condition = rng.choice(INTERVENTIONS), rng.choice(CONDITIONS)
    biomarker, outcome = rng.choice(BIOMARKERS), rng.choice(OUTCOMES)
    who, heading, human = rng.choice(SPECIES)
    n = rng.randint(12, 240)
    weeks = rng.randint(4, 24)
    change = rng.randint(10, 60)
    p = rng.choice(["0.001", "0.01", "0.02", "0.04", "0.3"])
    direction = rng.choice(["reduced", "lowered", "decreased", "did not change", "increased"])
    title = f"{intervention} for {condition}: effects on {outcome} and {biomarker} in {who}"
    background = (f"{condition.capitalize()} is common and disabling, and drugs help few {who}. "
                  f"{intervention} may act on inflammation, but trials are small.")
    methods = (f"{n} {who} with {condition} were randomly assigned to {weeks} weeks of "
               f"{intervention.lower()} or usual care. {outcome.capitalize()} and serum {biomarker} were measured "
               f"at baseline and after the intervention.")
    results = (f"{intervention} {direction} {outcome} by {change}% compared with controls (p = {p}). "
               f"{biomarker} fell by {rng.randint(5, 45)}% (95% CI {rng.randint(1, 4)} to {rng.randint(5, 9)}), "
               f"and the standardized mean difference was -0.{rng.randint(2, 9)}.")
    conclusions = f"{intervention} may relieve {condition}, perhaps by lowering {biomarker}."
    types = ['<PublicationType UI="D016428">Journal Article</PublicationType>']
    if human:
        types.append('<PublicationType UI="D016449">Randomized Controlled Trial</PublicationType>')
    mesh = "".join(f'<MeshHeading><DescriptorName UI="D0{rng.randint(10000, 99999)}" MajorTopicYN="N">{escape(h)}'
                   f"</DescriptorName></MeshHeading>"
                   for h in (["Humans"] if human else ["Animals", heading]) + ["Exercise Therapy", "Pain Measurement",
                                                                              "Male", "Female"])
    abstract = "".join(f'<AbstractText Label="{label}" NlmCategory="{label}">{escape(text)}</AbstractText>'
                       for label, text in (("BACKGROUND", background), ("METHODS", methods),
                                           ("RESULTS", results), ("CONCLUSIONS", conclusions)))
    year = rng.randint(1995, 2025)
    return (f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
            f"<DateCompleted><Year>{year}</Year><Month>01</Month><Day>15</Day></DateCompleted>"
            f'<Article PubModel="Print"><Journal><ISSN IssnType="Print">0000-0000</ISSN><JournalIssue '
            f'CitedMedium="Print"><Volume>{rng.randint(1, 80)}</Volume><PubDate><Year>{year}</Year></PubDate>'
            f"</JournalIssue><Title>Synthetic journal of exercise and pain</Title></Journal>"
            f"<ArticleTitle>{escape(title)}</ArticleTitle><Abstract>{abstract}</Abstract>"
            f"<AuthorList>{''.join('<Author><LastName>Author%d</LastName><Initials>A</Initials></Author>' % i for i in range(rng.randint(2, 8)))}"
            f"</AuthorList><Language>eng</Language><PublicationTypeList>{''.join(types)}</PublicationTypeList>"
            f"</Article><MeshHeadingList>{mesh}</MeshHeadingList></MedlineCitation><PubmedData><ArticleIdList>"
            f'<ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData></PubmedArticle>\n')


def write_baseline(path: Path, megabytes: float, seed: int = 7) -> int:
    """Write a gzip PubMed XML file with about ``megabytes`` of XML; returns the record count."""
    rng = random.Random(seed)
    target = int(megabytes * 1e6)
    written = 0
    count = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=3) as handle:
        head = '<?xml version="1.0" encoding="utf-8"?>\n<PubmedArticleSet>\n'
        handle.write(head)
        written += len(head)
        while written < target:
            text = record(rng, 60_000_000 + count)
            handle.write(text)
            written += len(text.encode("utf-8"))
            count += 1
        handle.write("</PubmedArticleSet>\n")
    return count


def mine(path: Path, db: Path, workers: int) -> dict:
    command = ["/usr/bin/time", "-v", *MINER, "mine", str(path), "--db", str(db), "--fresh", "--yes", "-q",
               "--workers", str(workers), "--batch-size", "64"]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    if result.returncode not in (0, 3):
        raise SystemExit(f"miner mine failed: {result.stderr[-2000:]}")
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(peak / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megabytes", type=float, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="Write the files and stores here and keep them.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = args.keep or Path(name)
        tmp.mkdir(parents=True, exist_ok=True)
        results = {}
        for label, size in (("tenth", args.megabytes / 10), ("full", args.megabytes)):
            path = tmp / f"pubmed-synthetic-{size:g}mb.xml.gz"
            records = write_baseline(path, size)
            run = mine(path, tmp / f"{label}.db", args.workers)
            run.update({"xml_megabytes": round(size, 1), "gzip_megabytes": round(path.stat().st_size / 1e6, 1),
                        "records": records})
            results[label] = run
            print(f"{label}: {run}", file=sys.stderr, flush=True)
        results["peak_rss_ratio_full_vs_tenth"] = round(results["full"]["peak_rss_mb"] / results["tenth"]["peak_rss_mb"], 2)
        print(f"peak RSS, full vs a tenth: {results['peak_rss_ratio_full_vs_tenth']}", file=sys.stderr)
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
