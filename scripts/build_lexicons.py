#!/usr/bin/env python
"""Build miner's lexicons under models/lexicon/ from the ontologies in ../shared.

Reads MeSH descriptors (entry terms, tree numbers) and HGNC genes (symbols, names,
aliases, previous symbols), picks what this field needs by MeSH subtree and HGNC gene
family, merges the curated concepts of models/curated/concepts.tsv on top, cleans the
terms (un-inverts "Pain, Neuropathic", drops chemical formulae, common English words and
ambiguous terms, keeps ontology acronyms apart so that they are used only when an
article defines them), and writes one TSV that the pipeline loads. The curated flags
are carried into it, among them the roles that rules read (control, generic, human,
mesh=<heading>; checked by :func:`check_roles`):

    models/lexicon/concepts.tsv   id, type, name, terms, abbrevs, flags, xrefs

Run it with ``make lexicons``; the generated files are committed so that a fresh install
needs nothing from ../shared.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from miner.text import norm_text  # noqa: E402

TYPES = ("intervention", "condition", "biomarker", "outcome", "species", "anatomy")

# MeSH subtrees by type. A descriptor in several gets the first type in TYPE_ORDER.
MESH_TREES: dict[str, tuple[str, ...]] = {
    "biomarker": ("D12.644", "D12.776", "D06.472", "D08", "D09", "D10", "D23",
                  "A11.118", "A11.329", "A11.650", "A15.382"),
    "intervention": ("G11.427.410.698.277", "E02", "E04", "F04.754", "I03.350",
                     "I03.450.642.845", "D26", "D27.505", "D02", "D03", "D04", "D20"),
    "condition": ("C", "F03"),
    "anatomy": ("A01", "A02", "A08", "A10.690", "A12.207.152", "A15.145"),
}
TYPE_ORDER = ("biomarker", "condition", "intervention", "anatomy")
# Subtrees that are never mined, even under a selected root.
MESH_EXCLUDE = ("C22", "E02.760.169.063.500.387.875.500",)

# HGNC gene families that are biomarkers in this literature.
HGNC_FAMILIES = re.compile(
    r"^(IL\d+[A-Z]?|IL1RN|CCL\d+|CXCL\d+|CX3CL1|IFN[AGBKLW]\d*|TNF|TNFSF\d+|LTA|CSF[123]"
    r"|HSPA\d+[AB]?|HSPB\d+|HSP90A[AB]\d|HSPD1|HSPH1|BDNF|NGF|NTF[34]|GDNF|CNTF"
    r"|MMP\d+|TLR\d+|SOD[123]|CRP|GFAP|AIF1|ITGAM|PTGS2|NOS2|NFKB1|TRPV1|P2RX[47]"
    r"|CALCA|TAC1|IGF1|VEGFA|TGFB1|LEP|ADIPOQ|RETN|HMGB1|NLRP3|FOS|MAPK1|MAPK3|MAPK14"
    r"|POMC|OPRM1|NTRK[12]|IGFBP3|APOE|IRISIN|FNDC5|SPP1|CCN2|ICAM1|VCAM1|SELE)$"
)

MAX_TERM_WORDS = 6
COMMON_ZIPF = 4.2  # single ontology words at least this common in English are dropped


@dataclass
class Concept:
    id: str
    type: str
    name: str
    terms: dict[str, str] = field(default_factory=dict)  # term -> origin ("curated"/"ontology")
    flags: set[str] = field(default_factory=set)
    xrefs: set[str] = field(default_factory=set)
    curated: bool = False

    def add(self, term: str, origin: str) -> None:
        term = " ".join(term.split())
        if term and (term not in self.terms or origin == "curated"):
            self.terms[term] = origin


# ------------------------------------------------------------------ term cleaning

_GREEK_NAMES = r"(?:alpha|beta|gamma|delta|kappa)"


def uninvert(term: str) -> str:
    """'Pain, Neuropathic' -> 'Neuropathic Pain'; terms with 0 or 2+ commas unchanged."""
    if term.count(",") != 1 or re.search(r"\d", term):
        return term
    head, tail = (part.strip() for part in term.split(","))
    if not head or not tail:
        return term
    return f"{tail} {head}"


def is_acronym(term: str) -> bool:
    """Upper-case short forms ('MS', 'TENS', 'IL6', 'HSP27', 'SF-36')."""
    letters = re.sub(_GREEK_NAMES, "", term)
    letters = re.sub(r"[^A-Za-z]", "", letters)
    return bool(letters) and letters.upper() == letters and len(letters) >= 1 and " " not in term.strip()


def safe_acronym(term: str) -> bool:
    """An ontology acronym that can be matched without a definition in the text."""
    return is_acronym(term) and bool(re.search(r"\d", term)) and len(term) >= 4


def clean_ontology_term(term: str) -> str | None:
    term = uninvert(term.strip())
    if "(" in term or "[" in term or ";" in term or term.count(",") > 0:
        return None
    if re.search(r"\d+[,-]\d+|\d[A-Z]-|^\d|[*+=<>]", term):
        return None  # chemical formulae, positions
    words = term.split()
    if not words or len(words) > MAX_TERM_WORDS or len(term) < 3:
        return None
    return term


def common_word_filter():
    try:
        from wordfreq import zipf_frequency
    except ImportError:  # pragma: no cover - the lexicons extra is missing
        sys.exit("wordfreq is needed: pip install -r requirements/lexicons.lock")
    from miner.text import singular

    def common(word: str) -> bool:
        forms = {word, singular(word), word.rstrip("s")}
        return max(zipf_frequency(f, "en") for f in forms) >= COMMON_ZIPF

    return common


# ------------------------------------------------------------------ sources

def read_mesh(path: Path) -> dict[str, tuple[str, list[str], list[str]]]:
    out = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 4 or not parts[0].startswith("D"):
                continue
            mesh_id, name, entries, trees = parts[:4]
            out[mesh_id] = (name, [e for e in entries.split("|") if e], [t for t in trees.split("|") if t])
    return out


def mesh_type(trees: list[str]) -> str | None:
    trees = [t for t in trees if not t.startswith(MESH_EXCLUDE)]
    found = {kind for kind, roots in MESH_TREES.items() for t in trees for r in roots
             if t == r or t.startswith(r + ".") or (len(r) == 1 and t.startswith(r))}
    for kind in TYPE_ORDER:
        if kind in found:
            return kind
    return None


def read_hgnc(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return {row["Approved symbol"]: row for row in csv.DictReader(handle, delimiter="\t")}


def hgnc_variants(symbol: str) -> list[str]:
    """Written forms of a gene symbol: IL6 -> IL-6; IL1B -> IL-1β, IL-1beta; HSPB1 stays."""
    out = [symbol]
    match = re.match(r"^(IL|IFN|TNF|CCL|CXCL|TLR|MMP|HSP|NTF|SOD)(\d+)([AB])?$", symbol)
    if match:
        stem, number, letter = match.groups()
        greek = {"A": ("α", "alpha"), "B": ("β", "beta")}.get(letter or "")
        out.append(f"{stem}-{number}")
        if greek:
            for g in greek:
                out += [f"{stem}-{number}{g}", f"{stem}{number}{g}", f"{stem}-{number} {g}"]
        elif letter:
            out.append(f"{stem}-{number}{letter}")
    return out


# ------------------------------------------------------------------ build

def build(ontologies: Path, curated_path: Path, out_dir: Path) -> dict:
    mesh = read_mesh(ontologies / "mesh.tsv")
    hgnc = read_hgnc(ontologies / "hgnc.tsv")
    all_symbols = {s.upper() for s in hgnc}
    is_common = common_word_filter()
    warnings: list[str] = []
    concepts: dict[str, Concept] = {}

    # 1. MeSH descriptors in the selected subtrees.
    for mesh_id, (name, entries, trees) in mesh.items():
        kind = mesh_type(trees)
        if kind is None:
            continue
        concept = Concept(f"MESH:{mesh_id}", kind, uninvert(name))
        for term in [name, *entries]:
            concept.add(term, "ontology")
        concepts[concept.id] = concept

    # 2. HGNC genes of the biomarker families.
    symbol_to_id: dict[str, str] = {}
    for symbol, row in hgnc.items():
        symbol_to_id[symbol] = row["HGNC ID"]
        if row["Status"] != "Approved" or row["Locus type"] != "gene with protein product":
            continue
        if not HGNC_FAMILIES.match(symbol):
            continue
        concept = Concept(row["HGNC ID"], "biomarker", symbol)
        for variant in hgnc_variants(symbol):
            concept.add(variant, "ontology")
        concept.add(row["Approved name"], "ontology")
        for alias in [a.strip() for a in row["Alias symbols"].split(",") + row["Previous symbols"].split(",")]:
            if (alias and alias.upper() not in all_symbols and re.search(r"\d", alias)
                    and len(alias) >= 4 and "." not in alias and ":" not in alias):
                concept.add(alias, "ontology")
        concepts[concept.id] = concept

    # 3. Curated concepts on top.
    curated_rows = list(read_curated(curated_path))
    for cid, kind, name, terms, flags in curated_rows:
        if cid.startswith("HGNC:") and not cid[5:].isdigit():
            symbol = cid[5:]
            if symbol not in symbol_to_id:
                warnings.append(f"curated: unknown HGNC symbol {symbol}")
                continue
            cid = symbol_to_id[symbol]
        if cid.startswith("MESH:") and cid[5:] not in mesh:
            warnings.append(f"curated: unknown MeSH id {cid} ({name})")
            continue
        concept = concepts.get(cid)
        if concept is None:
            concept = Concept(cid, kind, name)
            if cid.startswith("MESH:") and "noont" not in flags:
                mname, entries, _ = mesh[cid[5:]]
                for term in [mname, *entries]:
                    concept.add(term, "ontology")
            if cid.startswith("HGNC:") and "noont" not in flags:
                row = next(r for r in hgnc.values() if r["HGNC ID"] == cid)
                for variant in hgnc_variants(row["Approved symbol"]):
                    concept.add(variant, "ontology")
                concept.add(row["Approved name"], "ontology")
            concepts[cid] = concept
        if "noont" in flags:
            concept.terms = {t: o for t, o in concept.terms.items() if o == "curated"}
        if cid.startswith("MESH:"):
            mname = uninvert(mesh[cid[5:]][0])
            if mname.lower() != name.lower() and "name" not in flags:
                warnings.append(f"curated: {cid} is '{mname}' in MeSH, '{name}' here")
        concept.type = kind
        concept.curated = True
        if "name" in flags or not concept.name:
            concept.name = name
        concept.flags |= {f for f in flags if f not in {"name", "noont"}}
        for term in terms:
            concept.add(term, "curated")

    check_roles(concepts)

    # 4. Merge MeSH protein descriptors into the HGNC concept they name.
    hgnc_keys: dict[str, set[str]] = defaultdict(set)
    for concept in concepts.values():
        if concept.id.startswith("HGNC:"):
            for term in concept.terms:
                if is_acronym(term) or concept.curated:
                    hgnc_keys[norm_text(term)].add(concept.id)
    for cid in [c for c in concepts if c.startswith("MESH:")]:
        concept = concepts[cid]
        if concept.type != "biomarker" or concept.curated or "class" in concept.flags:
            continue
        targets = set()
        for term in concept.terms:
            targets |= hgnc_keys.get(norm_text(term), set())
        if len(targets) == 1:
            target = concepts[targets.pop()]
            for term in concept.terms:
                target.add(term, "ontology")
            target.xrefs.add(cid)
            del concepts[cid]

    # 4b. Terms that are ordinary words, never the concept.
    blocked_path = curated_path.parent / "blocked.tsv"
    if blocked_path.exists():
        for line in blocked_path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cid, term = line.split("\t")[:2]
            concept = concepts.get(cid)
            if concept is not None:
                concept.terms = {t: o for t, o in concept.terms.items()
                                 if norm_text(t) != norm_text(term) or o == "curated"}

    # 5. Clean terms; split acronyms; resolve terms claimed by several concepts.
    claims: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    abbrevs: dict[str, set[str]] = defaultdict(set)
    for concept in concepts.values():
        for term, origin in concept.terms.items():
            if origin == "curated":
                cleaned = term
            else:
                cleaned = clean_ontology_term(term)
                if cleaned is None:
                    continue
                if is_acronym(cleaned) and not safe_acronym(cleaned):
                    abbrevs[concept.id].add(cleaned)
                    continue
                words = cleaned.split()
                if len(words) == 1 and is_common(cleaned.lower()) and not concept.curated:
                    continue
            key = norm_text(cleaned)
            if not key:
                continue
            rank = (0 if origin == "curated" else 1 if concept.curated else 2)
            claims[key].append((rank, concept.id, cleaned))
    kept: dict[str, dict[str, str]] = defaultdict(dict)  # concept -> key -> term
    ambiguous = 0
    for key, claimants in claims.items():
        claimants.sort(key=lambda c: (c[0], 0 if norm_text(concepts[c[1]].name) == key else 1))
        best_rank = claimants[0][0]
        best_ids = {cid for rank, cid, _ in claimants if rank == best_rank}
        if len(best_ids) > 1:
            named = [cid for cid in best_ids if norm_text(concepts[cid].name) == key]
            if len(named) == 1:
                best_ids = set(named)
            else:
                ambiguous += 1
                if best_rank == 0:
                    warnings.append(f"curated term '{key}' claimed by {sorted(best_ids)}")
                continue
        winner = best_ids.pop()
        # Every written form of the winner: "Iba1" and "IBA1" differ in case sensitivity.
        for _, cid, term in claimants:
            if cid == winner:
                kept[winner].setdefault(f"{key}\x00{term}", term)

    # 6. Write.
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for cid in sorted(concepts, key=lambda c: (concepts[c].type, c)):
        concept = concepts[cid]
        terms = sorted(kept.get(cid, {}).values(), key=str.lower)
        short = sorted(abbrevs.get(cid, set()) - set(terms))
        if not terms and not short:
            continue
        flags = set(concept.flags) | ({"curated"} if concept.curated else set())
        rows.append([cid, concept.type, concept.name, "|".join(terms), "|".join(short),
                     ",".join(sorted(flags)), "|".join(sorted(concept.xrefs))])
    target = out_dir / "concepts.tsv"
    with target.open("w", encoding="utf-8", newline="") as handle:
        handle.write("# Generated by scripts/build_lexicons.py from MeSH 2025 (NLM), HGNC (CC0)\n")
        handle.write("# and models/curated/concepts.tsv. Do not edit: edit the curated file and rebuild.\n")
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE,
                            escapechar="\\")
        writer.writerow(["id", "type", "name", "terms", "abbrevs", "flags", "xrefs"])
        writer.writerows(rows)
    stats = {
        "concepts": len(rows),
        "by_type": dict(Counter(r[1] for r in rows)),
        "terms": sum(len(r[3].split("|")) for r in rows if r[3]),
        "abbreviations": sum(len(r[4].split("|")) for r in rows if r[4]),
        "ambiguous_terms_dropped": ambiguous,
        "sources": {name: hashlib.sha1((ontologies / name).read_bytes()).hexdigest()
                    for name in ("mesh.tsv", "hgnc.tsv")},
        "curated_sha1": hashlib.sha1(curated_path.read_bytes()).hexdigest(),
    }
    (out_dir / "BUILD_INFO.json").write_text(json.dumps(stats, indent=2) + "\n")
    for warning in warnings:
        print("warning:", warning, file=sys.stderr)
    return stats


#: The flags that rules read, and the type of concept each belongs to (see
#: miner.pipeline.lexicon.ROLES; "mesh=<heading>" is read by miner.articles.study).
ROLE_TYPES = {"control": "intervention", "generic": "intervention", "human": "species", "mesh=": "species"}


def check_roles(concepts: dict[str, Concept]) -> None:
    """Stop with a clear message when the curated roles are not where the rules look: one
    species flagged human, and every role flag on a concept of its type."""
    humans = sorted(cid for cid, concept in concepts.items() if "human" in concept.flags)
    if len(humans) != 1:
        raise SystemExit(f"curated: expected one concept flagged 'human', found {humans or 'none'}")
    for cid, concept in concepts.items():
        for flag in concept.flags:
            role = "mesh=" if flag.startswith("mesh=") else flag
            if role in ROLE_TYPES and concept.type != ROLE_TYPES[role]:
                raise SystemExit(f"curated: {cid} is flagged '{flag}', which a {ROLE_TYPES[role]} takes, "
                                 f"but is a {concept.type}")


def read_curated(path: Path):
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            while len(parts) < 5:
                parts.append("")
            cid, kind, name, terms, flags = parts[:5]
            if kind not in TYPES:
                raise SystemExit(f"{path}:{number}: unknown type '{kind}'")
            yield (cid, kind, name, [t for t in terms.split("|") if t.strip()],
                   {f.strip() for f in flags.split(",") if f.strip()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ontologies", type=Path, default=ROOT.parent / "shared" / "ontologies")
    parser.add_argument("--curated", type=Path, default=ROOT / "models" / "curated" / "concepts.tsv")
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "lexicon")
    args = parser.parse_args()
    stats = build(args.ontologies, args.curated, args.out)
    print(json.dumps(stats, indent=2))


if __name__ == "__main__":
    main()
