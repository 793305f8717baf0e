"""The ``miner`` command: a thin shell over the library.

Results go to stdout (JSON Lines with ``--json``); progress, problems and summaries go
to stderr. A user's bad input is one line on stderr, never a traceback (``--debug``
shows one).

Exit codes: 0 everything done (also when the reader of stdout stops early, as ``head``
does); 1 an error stopped the command (or ``mine --strict`` met a problem); 2 usage error;
3 ``mine`` finished but skipped or failed some files (each named on stderr); 130
interrupted (what was mined before is kept).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from miner.errors import MinerError

DEFAULT_DB = Path("outputs") / "evidence.db"
EXIT_SKIPPED = 3
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class CliState:
    """What one run of the command knows beyond a command's options, on the click context
    (``ctx.obj``): whether errors show their traceback, and what to say when interrupted
    (each command says what an interruption keeps)."""

    debug: bool = False
    interrupted: str = "miner: interrupted"


pass_state = click.make_pass_decorator(CliState, ensure=True)


def db_option(create: bool = False) -> Callable[[F], F]:
    """The shared ``--db`` option."""
    return click.option(
        "--db", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_DB, show_default=True,
        help="The evidence store (SQLite)." + (" Created if missing." if create else ""),
    )


def _err(message: str) -> None:
    click.echo(message, err=True)


class MinerGroup(click.Group):
    """Turns miner's errors into one line on stderr and exit code 1 (``--debug``: a traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        state = ctx.ensure_object(CliState)
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            _quiet_stdout()
            sys.exit(0)
        except MinerError as exc:
            if state.debug:
                raise
            raise click.ClickException(str(exc)) from None
        except sqlite3.DatabaseError as exc:
            if state.debug:
                raise
            raise click.ClickException(f"the store cannot be used ({exc}); is it damaged? (--debug for details)") from None
        except OSError as exc:
            if state.debug:
                raise
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            raise click.ClickException(f"{where}{exc.strerror or exc}") from None
        except KeyboardInterrupt:
            _err(state.interrupted)
            sys.exit(130)


@click.group(cls=MinerGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="miner")
@pass_state
def cli(state: CliState, debug: bool) -> None:
    """Mine articles on exercise and pain into an evidence graph.

    \b
    Example:
      miner mine corpora/sample
      miner inspect --subject exercise
      miner export --format graphml -o outputs/graph.graphml
    """
    state.debug = debug


# ----------------------------------------------------------------------------- mine

@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@db_option(create=True)
@click.option("--fresh", is_flag=True, help="Forget what the store holds before mining (asks first).")
@click.option("--prune", is_flag=True,
              help="Delete stored articles whose files are gone from the sources (asks first when that is "
                   "more than a tenth of the store).")
@click.option("-y", "--yes", is_flag=True, help="Do not ask before --fresh or a large --prune: go on.")
@click.option("--strict", is_flag=True, help="Stop at the first file that cannot be read or mined (exit code 1).")
@click.option("--batch-size", default=16, show_default=True, type=click.IntRange(1, 10_000),
              help="Articles per transaction.")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Processes running the pipeline [default: one per core].")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Where the pipeline runs: processes on this machine, or a Ray cluster.")
@click.option("--address", help="Ray cluster address (with --engine ray; default: a local Ray instance).")
@click.option("--shards", type=click.Path(file_okay=False, path_type=Path),
              help="With --engine ray: write JSON Lines shards here instead of the store (merge with 'miner ingest').")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary, only problems.")
@pass_state
def mine(state: CliState, sources: tuple[Path, ...], db: Path, fresh: bool, prune: bool, yes: bool, strict: bool,
         batch_size: int, workers: int | None, engine: str, address: str | None, shards: Path | None,
         quiet: bool) -> None:
    """Mine the articles in FOLDER(s) (or files) into the store.

    Folders are walked recursively; .txt, .md, .html/.htm, .json/.jsonl (also BioC and
    Europe PMC records), .xml/.nxml/.xml.gz (PubMed, JATS, BioC; streamed) and .pdf files
    are read, anything else is skipped with a line on stderr. Re-mining skips articles whose
    text and pipeline have not changed.

    \b
    --fresh on a store that holds articles, and a --prune that would delete more than a
    tenth of them, ask first; without a terminal to ask at, they are refused unless --yes
    is given.

    \b
    Example:
      miner mine corpora/sample --db outputs/evidence.db
      miner mine corpora/sample --prune --yes
      miner mine /data/pubmed --engine ray --address ray://head:10001
    """
    from rich.console import Console

    from miner.mining import mine as run_mine

    state.interrupted = "miner: interrupted; everything mined before this point is in the store"
    console = Console(stderr=True)
    if engine != "ray" and (address or shards):
        raise click.UsageError("--address and --shards go with --engine ray")
    with _mining_progress(console, disabled=quiet) as (progress, on_progress):
        def on_problem(error: MinerError) -> None:
            if console.is_terminal:
                console.print(f"[yellow]skipped[/] {error}", highlight=False, markup=True)
            else:
                _err(f"skipped: {error}")

        def confirm(question: str) -> bool:
            if yes:
                return True
            if not (sys.stdin.isatty() and sys.stderr.isatty()):
                return False  # nobody to ask: refused, with the reason
            progress.stop()
            try:
                return click.confirm(question, default=False, err=True)
            finally:
                progress.start()

        def on_note(message: str) -> None:
            if console.is_terminal:
                console.print(f"note: {message}", highlight=False, markup=False)
            else:
                _err(f"note: {message}")

        if engine == "ray":
            from miner.distributed import mine_ray

            report = mine_ray(sources, db, address=address, workers=workers, batch_size=batch_size, fresh=fresh,
                              prune=prune, shards=shards, strict=strict, confirm=confirm,
                              on_problem=on_problem, on_progress=on_progress)
        else:
            report = run_mine(sources, db, batch_size=batch_size, workers=workers, fresh=fresh, prune=prune,
                              strict=strict, confirm=confirm, on_problem=on_problem, on_progress=on_progress,
                              on_note=on_note)
    if not quiet:
        pruned = f", {report.pruned} pruned" if prune else ""
        pruned += (f", {report.superseded} read twice (the fuller record kept)"
                   if report.superseded else "")
        done = (f"{report.mined} articles mined, {report.unchanged} unchanged{pruned}, {len(report.problems)} skipped, "
                f"{len(report.failed)} failed in {report.seconds:.1f}s"
                + (f" (pipeline built in {report.startup_seconds:.1f}s)" if report.startup_seconds else ""))
        if shards is not None:
            _err(f"{report.read} files mined into shards in {report.seconds:.1f}s -> {shards}; "
                 f"merge them with: miner ingest {shards} --db PATH")
        else:
            _err(f"{done}; {_holdings(db)}")
    if report.prune_refused:
        raise MinerError(report.prune_refused)
    if report.problems or report.failed:
        sys.exit(EXIT_SKIPPED)


def _holdings(db: Path) -> str:
    """What a store holds, in the words every command uses: "<db> holds 6 articles, 29
    findings, 37 evidence sentences"."""
    from miner.store import Store

    with Store.open(db, create=False) as store:
        counts = store.counts()
    return (f"{db} holds {counts['articles']:,} articles, {counts['findings']:,} findings, "
            f"{counts['evidence']:,} evidence sentences")


@contextlib.contextmanager
def _mining_progress(console: Any, disabled: bool) -> Iterator[tuple[Any, Callable[[Any], None]]]:
    """A bar on stderr over the bytes of the input files, with the articles mined and an
    ETA: (the rich ``Progress``, stopped while a question is asked; the ``on_progress``
    callback of :func:`miner.mining.mine` that drives it)."""
    from rich.progress import (BarColumn, DownloadColumn, Progress, TaskProgressColumn, TextColumn,
                               TimeRemainingColumn)

    progress = Progress(TextColumn("{task.description}"), BarColumn(bar_width=24), TaskProgressColumn(),
                        DownloadColumn(), TextColumn("{task.fields[stats]}"), TextColumn("ETA"),
                        TimeRemainingColumn(), console=console, transient=True,
                        disable=disabled or not console.is_terminal)
    with progress:
        task = progress.add_task("mining", total=None, stats="")

        def on_progress(report: Any) -> None:
            progress.update(task, total=report.input_bytes or None, completed=report.done_bytes,
                            stats=f"{report.mined + report.unchanged:,} articles")

        yield progress, on_progress


@cli.command()
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@db_option(create=True)
@pass_state
def ingest(state: CliState, shards: tuple[Path, ...], db: Path) -> None:
    """Merge shards written by 'miner mine --engine ray --shards DIR' into the store.

    \b
    Example:
      miner ingest outputs/shards --db outputs/evidence.db
    """
    from miner.distributed import ingest as run_ingest

    state.interrupted = "miner: interrupted; every shard row ingested before this point is in the store"
    report = run_ingest(shards, db, on_problem=lambda e: _err(f"skipped: {e}"))
    _err(f"{report.mined} articles ingested, {report.unchanged} unchanged, {len(report.problems)} skipped, "
         f"{len(report.failed)} failed; {report.findings} findings -> {db}")
    if report.problems or report.failed:
        sys.exit(EXIT_SKIPPED)


# ----------------------------------------------------------------------------- fetch

def fetch_options(func: F) -> F:
    """Options that every ``miner fetch`` source shares."""
    options = [
        click.option("-o", "--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
                     help="Folder to save the articles in (created; what it holds is not fetched again)."),
        click.option("--retries", default=5, show_default=True, type=click.IntRange(0, 20),
                     help="Retries of a failed request (429/5xx, timeouts, broken answers), with back-off."),
        click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(0.1, 3600),
                     help="Seconds to wait for an answer."),
        click.option("--backoff", default=1.0, show_default=True, type=click.FloatRange(0, 600),
                     help="Seconds before the first retry, doubling with each one."),
        click.option("-q", "--quiet", is_flag=True, help="Only problems and the summary."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _ncbi_options(func: F) -> F:
    options = [
        click.option("--api-key", envvar="NCBI_API_KEY", show_envvar=True,
                     help="NCBI API key: 10 requests a second instead of 3."),
        click.option("--email", envvar="NCBI_EMAIL", show_envvar=True,
                     help="Your e-mail, sent to NCBI with each request as it asks."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _fetch_done(report: Any, quiet: bool) -> None:
    for problem in report.problems:
        _err(f"problem: {problem}")
    _err(report.summary())
    if not report.complete:
        shown = report.missing[:10] + ([f"{report.missing_unlisted:,} records past the PMIDs the search listed"]
                                       if report.missing_unlisted else [])
        more = " …" if len(report.missing) > 10 else ""
        _err(f"not fetched: {', '.join(shown)}{more}; run the same command again to fetch what is missing")
        sys.exit(EXIT_SKIPPED)
    if not quiet:
        _err(f"mine them with: miner mine {report.folder}")


def _http_options(retries: int, timeout: float, backoff: float) -> dict[str, Any]:
    return {"retries": retries, "timeout": timeout, "backoff": backoff, "on_retry": (lambda m: _err(f"retrying: {m}"))}


@cli.group()
@pass_state
def fetch(state: CliState) -> None:
    """Fetch articles from PubMed, PMC or Europe PMC into a folder, for 'miner mine'.

    Every source saves one file per article, written whole or not at all; running the
    same command again fetches only what the folder still lacks. Exit code 3 when some
    records could not be fetched (they are listed).

    \b
    Example:
      miner fetch pubmed "exercise AND neuropathic pain" --max 500 -o corpora/downloads/pubmed
      miner fetch pmc --from-pubmed corpora/downloads/pubmed -o corpora/downloads/pmc
      miner fetch europepmc "exercise AND allodynia" --fulltext -o corpora/downloads/epmc
    """
    state.interrupted = ("miner: interrupted; every file saved before this point is whole; run the same "
                         "command again to fetch the rest")


@fetch.command("pubmed")
@click.argument("query")
@click.option("--max", "max_results", type=click.IntRange(0), help="Fetch at most this many records (the first ones).")
@click.option("--since", help="Only records published on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="Only records published on or before this date.")
@click.option("--batch-size", default=200, show_default=True, type=click.IntRange(1, 10_000),
              help="Records per efetch request.")
@click.option("--base-url", envvar="MINER_EUTILS_URL", show_envvar=True,
              help="E-utilities root [default: NCBI's].")
@_ncbi_options
@fetch_options
def fetch_pubmed(query: str, max_results: int | None, since: str | None, until: str | None, batch_size: int,
                 base_url: str | None, api_key: str | None, email: str | None, out: Path, retries: int,
                 timeout: float, backoff: float, quiet: bool) -> None:
    """Search PubMed with QUERY and save each record as PubMed XML (PMID_<pmid>.xml).

    \b
    Example:
      miner fetch pubmed "exercise[tiab] AND neuralgia[mh]" --since 2015 -o corpora/downloads/pubmed
      miner mine corpora/downloads/pubmed
    """
    from miner.articles.fetch import PubMed

    client = PubMed(base_url, api_key=api_key, email=email, **_http_options(retries, timeout, backoff))
    progress = None if quiet else (lambda r: _err(f"  {r.fetched:,} fetched of {r.wanted - r.present:,} to fetch"))
    report = client.search_and_fetch(query, out, since=since, until=until, max_results=max_results,
                                     batch_size=batch_size, on_progress=progress)
    _fetch_done(report, quiet)


@fetch.command("pmc")
@click.argument("pmcids", nargs=-1)
@click.option("--from-pubmed", "from_pubmed", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Take the articles from a folder of PubMed XML (from 'miner fetch pubmed'); PMIDs are "
                   "converted to PMCIDs.")
@click.option("--format", "fmt", type=click.Choice(["bioc", "jats"]), default="bioc", show_default=True,
              help="BioC JSON from the PMC BioC API, or JATS XML from E-utilities.")
@click.option("--base-url", envvar="MINER_BIOC_URL", show_envvar=True, help="PMC BioC API root [default: NCBI's].")
@click.option("--idconv-url", envvar="MINER_IDCONV_URL", show_envvar=True,
              help="PMC ID Converter root [default: NCBI's].")
@click.option("--eutils-url", envvar="MINER_EUTILS_URL", show_envvar=True,
              help="E-utilities root, for --format jats [default: NCBI's].")
@_ncbi_options
@fetch_options
def fetch_pmc(pmcids: tuple[str, ...], from_pubmed: Path | None, fmt: str, base_url: str | None,
              idconv_url: str | None, eutils_url: str | None, api_key: str | None, email: str | None, out: Path,
              retries: int, timeout: float, backoff: float, quiet: bool) -> None:
    """Save the open-access full texts of PMCIDs (or PMIDs) as BioC JSON or JATS XML.

    \b
    Example:
      miner fetch pmc PMC6039336 PMC3531190 -o corpora/downloads/pmc
      miner fetch pmc --from-pubmed corpora/downloads/pubmed --format jats -o corpora/downloads/pmc
    """
    from miner.articles.fetch import PMC, split_ids

    if not pmcids and from_pubmed is None:
        raise click.UsageError("give PMCIDs (or PMIDs), or --from-pubmed FOLDER")
    try:
        given, pmids = split_ids(pmcids)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    client = PMC(base_url, idconv_url=idconv_url, eutils_url=eutils_url, api_key=api_key, email=email,
                 **_http_options(retries, timeout, backoff))
    report = client.fetch_all(given, out, pmids=pmids, from_pubmed=from_pubmed, fmt=fmt,
                              on_note=None if quiet else _err,
                              on_progress=None if quiet else (lambda r: _err(f"  {r.fetched:,} fetched")))
    _fetch_done(report, quiet)


@fetch.command("europepmc")
@click.argument("query")
@click.option("--fulltext", is_flag=True, help="Save the JATS full text of open-access hits instead of the record.")
@click.option("--max", "max_results", type=click.IntRange(0), help="Fetch at most this many hits.")
@click.option("--base-url", envvar="MINER_EUROPEPMC_URL", show_envvar=True,
              help="Europe PMC REST root [default: EBI's].")
@fetch_options
def fetch_europepmc(query: str, fulltext: bool, max_results: int | None, base_url: str | None, out: Path,
                    retries: int, timeout: float, backoff: float, quiet: bool) -> None:
    """Search Europe PMC with QUERY and save each hit (its record, or its full text).

    \b
    Example:
      miner fetch europepmc "exercise AND neuropathic pain AND OPEN_ACCESS:y" --fulltext -o corpora/downloads/epmc
    """
    from miner.articles.fetch import EuropePMC

    client = EuropePMC(base_url, **_http_options(retries, timeout, backoff))
    progress = None if quiet else (lambda r: _err(f"  {r.fetched:,} fetched") if r.fetched % 100 == 0 else None)
    report = client.fetch(query, out, fulltext=fulltext, max_results=max_results, on_progress=progress)
    _fetch_done(report, quiet)


# ----------------------------------------------------------------------------- export

@cli.command()
@db_option()
@click.option("--format", "fmt", type=click.Choice(["json", "graphml", "gexf", "csv", "cytoscape", "neo4j", "jsonl",
                                                    "bioc"]), default="json", show_default=True,
              help="json: the schema'd node-link graph; graphml/gexf: Cytoscape, Gephi, yEd; csv: one row per "
                   "evidence; cytoscape: Cytoscape.js JSON; neo4j: a folder of import CSVs and a Cypher script; "
                   "jsonl: one evidence per line; bioc: the articles with their annotations (BioC JSON).")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
              help="Where to write it: a file (a link's target is replaced), '-' for stdout, a folder for neo4j.")
@click.option("--validate/--no-validate", default=True, show_default=True,
              help="Check a JSON export against the evidence-graph schema before writing it.")
def export(db: Path, fmt: str, output: Path, validate: bool) -> None:
    """Export the evidence graph.

    \b
    Example:
      miner export --format json -o outputs/graph.json
      miner export --format neo4j -o outputs/neo4j
      miner export --format bioc -o outputs/articles.bioc.json
    """
    from miner.export import STORE_FORMATS, export_graph, to_json_data
    from miner.graph import graph_from_store
    from miner.store import Store

    with Store.open(db, create=False) as store:
        if fmt in STORE_FORMATS:
            from miner.export.tools import write_bioc

            with store.snapshot():  # one state of the store, whatever a running mine commits
                write_bioc(store, output)
                _err(f"{store.counts()['articles']} articles -> {_where(output)} ({fmt})")
            return
        graph = graph_from_store(store)
    if fmt == "json" and validate:
        import jsonschema

        from miner.schema import validate_graph_json

        try:
            validate_graph_json(to_json_data(graph))
        except jsonschema.ValidationError as exc:
            raise MinerError(f"the export breaks the schema at {'/'.join(map(str, exc.path))}: {exc.message}") from None
    export_graph(graph, fmt, output)
    _err(f"{graph.number_of_nodes()} concepts, {graph.number_of_edges()} findings -> {_where(output)} ({fmt})")


def _where(output: Path) -> str:
    return "stdout" if str(output) == "-" else str(output)


# ----------------------------------------------------------------------------- inspect

def _load_graph(db: Path):
    from miner.graph import graph_from_store
    from miner.store import Store

    with Store.open(db, create=False) as store:
        return graph_from_store(store)


def _named(graph: Any, query: str | None, db: Path) -> set[str] | None:
    """The concepts a filter such as ``--subject control`` selects (None: no filter).

    Those the query names (id, name or synonym); the concepts whose names merely contain
    it ("Glycemic Control") are listed on stderr, not included. Only when it names none
    are those used, and said so; when nothing matches at all, :class:`MinerError`.
    """
    if not query:
        return None
    from miner.graph.query import concept_matches

    named, containing = concept_matches(graph, query)
    shown = ", ".join(f"{graph.nodes[n].get('name', n)} ({n})" for n in containing[:6])
    shown += " …" if len(containing) > 6 else ""
    if named:
        if containing:
            _err(f"'{query}': also in the names of {shown}; not included (name one, or give '*{query}*')")
        return set(named)
    if not containing:
        raise MinerError(f"no concept matches '{query}' in {db}")
    _err(f"'{query}' names no concept; taking those whose names contain it: {shown}")
    return set(containing)


def _stdout() -> Any:
    """A rich console on stdout: the terminal's width, else 160 columns (``COLUMNS`` wins)."""
    import os

    from rich.console import Console

    class StdoutConsole(Console):
        def on_broken_pipe(self) -> None:  # rich exits with 1; the reader stopping early is no error
            self.quiet = True
            raise BrokenPipeError

    console = StdoutConsole(soft_wrap=False, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = StdoutConsole(soft_wrap=False, highlight=False, width=160)
    return console


@cli.command()
@db_option()
@click.option("--subject", help="Subject by name, synonym or id (e.g. exercise, MESH:D015444); '*exercise' for "
                                 "every name that ends so.")
@click.option("--object", "object_", help="Object by name, synonym or id (e.g. TNF, pain); '*pain*' for every name "
                                          "with the word.")
@click.option("--relation", type=click.Choice(["decreases", "increases", "no_effect", "associated_with"]))
@click.option("--type", "type_", type=click.Choice(["intervention", "condition", "biomarker", "outcome", "species",
                                                    "anatomy"]), help="Subject or object of this type.")
@click.option("--species", help="Only evidence in this species (name or NCBITaxon id, e.g. rat).")
@click.option("--article", help="Only evidence from this article id.")
@click.option("--min-support", default=1, show_default=True, type=click.IntRange(1), help="Minimum distinct articles.")
@click.option("--min-confidence", default=0.0, type=click.FloatRange(0, 1),
              help="Minimum confidence score (see 'miner show').")
@click.option("--negated/--no-negated", default=None, help="Only negated evidence, or none of it.")
@click.option("--hedged/--no-hedged", default=None, help="Only hedged evidence, or none of it.")
@click.option("--evidence", "show_evidence", is_flag=True, help="Each sentence, with subject, object and effect marked.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(0), help="At most this many findings (0: all).")
@click.option("--ids", "show_ids", is_flag=True, help="The concept ids (CURIEs) under the names.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one finding per line.")
def inspect(db: Path, subject: str | None, object_: str | None, relation: str | None, type_: str | None,
            species: str | None, article: str | None, min_support: int, min_confidence: float, negated: bool | None,
            hedged: bool | None, show_evidence: bool, limit: int, show_ids: bool, as_json: bool) -> None:
    """Findings as a table: subject, relation, object, support, evidence, confidence,
    species, effect sizes (the columns that fit the terminal; --json has everything).

    \b
    Example:
      miner inspect --subject "*exercise" --object "neuropathic pain" --evidence
      miner inspect --relation decreases --species rat --min-support 2
      miner inspect --type biomarker --no-hedged --json | head
    """
    from miner.evidence import Finding, filter_findings, support
    from miner.terminal import findings_table, print_evidence

    graph = _load_graph(db)
    species_ids, subjects, objects = (_named(graph, q, db) for q in (species, subject, object_))
    edges = {(u, key, v): attrs for u, v, key, attrs in graph.edges(keys=True, data=True)}
    echoes = {k: attrs["news_of_the_same_study"] for k, attrs in edges.items() if attrs.get("news_of_the_same_study")}
    findings = filter_findings(
        (Finding(u, key, v, attrs["evidence"]) for (u, key, v), attrs in edges.items()),
        min_support=min_support, relations=[relation] if relation else None, subjects=subjects, objects=objects,
        involving={n for n, t in graph.nodes(data="type") if t == type_} if type_ else None,
        articles={article} if article else None, species=species_ids, negated=negated, hedged=hedged,
        not_counted=echoes)  # a study and its news: counted once
    rows = []
    for finding in findings:
        (u, key, v), attrs, evidence = finding.key(), edges[finding.key()], finding.evidence
        if min_confidence and (attrs.get("confidence") or 0) < min_confidence:
            continue
        row = {"subject": u, "subject_name": graph.nodes[u]["name"], "relation": key, "object": v,
               "object_name": graph.nodes[v]["name"], "support": support(evidence, echoes.get((u, key, v), ())),
               "confidence": attrs.get("confidence"),
               "support_by_species": attrs.get("support_by_species", {}),
               "support_by_design": attrs.get("support_by_design", {}),
               "cited_support": attrs.get("cited_support", 0), "evidence": evidence}
        if attrs.get("cited_only"):
            row["cited_only"] = True
        if attrs.get("denies"):
            row["denies"] = attrs["denies"]
        if attrs.get("pooled"):
            row["pooled"] = attrs["pooled"]
        conflicts = [c["relation"] for c in attrs.get("conflicts", []) if c["status"] == "conflict"]
        if conflicts:
            row["conflicts_with"] = conflicts
        rows.append(row)
    rows.sort(key=lambda r: (-r["support"], -len(r["evidence"]), r["subject_name"].lower(), r["relation"],
                             r["object_name"].lower()))
    matching = len(rows)
    if limit:
        rows = rows[:limit]
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    console = _stdout()
    if show_evidence:
        print_evidence(console, graph, rows)
    elif rows:
        console.print(findings_table(graph, rows, width=console.width, ids=show_ids))
    _err(f"{len(rows)} of {matching} finding{'s' if matching != 1 else ''} shown"
         + (" (--limit 0 for all)" if len(rows) < matching else "")
         + (" (none matches these filters)" if not matching else ""))


@cli.command()
@click.argument("concept")
@db_option()
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def show(concept: str, db: Path, as_json: bool) -> None:
    """A concept: its ids and synonyms, and all its relations in and out, grouped.

    \b
    Example:
      miner show "heat shock protein 27"
      miner show HGNC:11892 --json
    """
    from miner.graph.query import concept_summary, find_concepts
    from miner.terminal import print_summary

    graph = _load_graph(db)
    found = find_concepts(graph, concept)
    if not found:
        raise MinerError(f"no concept matches '{concept}' in {db}")
    summary = concept_summary(graph, found[0])
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=1))
        return
    print_summary(_stdout(), summary)
    if len(found) > 1:
        _err("also matching: " + ", ".join(f"{graph.nodes[n]['name']} ({n})" for n in found[1:8]))


@cli.command()
@click.argument("source")
@click.argument("target")
@db_option()
@click.option("--max-length", default=3, show_default=True, type=click.IntRange(1, 6), help="At most this many links.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1), help="At most this many chains.")
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def paths(source: str, target: str, db: Path, max_length: int, limit: int, as_json: bool) -> None:
    """Mechanism chains from SOURCE to TARGET, ranked by their weakest link.

    \b
    Example:
      miner paths exercise "neuropathic pain"
      miner paths swimming TNF --max-length 2 --json
    """
    from miner.graph.query import find_concepts, mechanism_paths
    from miner.terminal import print_paths

    graph = _load_graph(db)
    sources, targets = find_concepts(graph, source), find_concepts(graph, target)
    for query, found in ((source, sources), (target, targets)):
        if not found:
            raise MinerError(f"no concept matches '{query}' in {db}")
    chains = mechanism_paths(graph, sources[:3], targets[:3], max_length=max_length, limit=limit)
    if as_json:
        click.echo(json.dumps(chains, ensure_ascii=False, indent=1))
        return
    if not chains:
        _err(f"no chain of at most {max_length} findings from {source} to {target}")
        return
    print_paths(_stdout(), chains)


@cli.command()
@db_option()
@click.option("--all", "include_all", is_flag=True,
              help="Also contradictions between different species or models, or within the same articles.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one contradiction per line.")
def conflicts(db: Path, include_all: bool, as_json: bool) -> None:
    """Findings that contradict each other, with both sides' evidence.

    Two findings about the same subject and object conflict when one says decreases and
    the other increases (or one an effect and the other none), in different articles
    about the same species and disease model. With --all, contradictions whose contexts
    differ (a rat study against a human trial) are listed too, marked as such.

    \b
    Example:
      miner conflicts --db outputs/evidence.db
      miner conflicts --all --json | head
    """
    from miner.graph.query import conflict_list
    from miner.terminal import print_conflicts

    graph = _load_graph(db)
    found = conflict_list(graph, include_all=include_all)
    if as_json:
        for record in found:
            click.echo(json.dumps(record, ensure_ascii=False))
        return
    print_conflicts(_stdout(), graph, found)
    _err(f"{len(found)} contradiction{'s' if len(found) != 1 else ''}"
         + ("" if include_all else " in matching contexts (--all for the others)"))


@cli.command()
@db_option()
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one news report per line.")
def news(db: Path, as_json: bool) -> None:
    """News reports and the studies they describe, with what the news says differently.

    A news report is linked to a mined study by what they share (the journal named in
    the news, species, interventions, findings); the differences list findings the
    study does not report, other directions or effect sizes, and claims the study hedges.

    \b
    Example:
      miner mine corpora/sample --db outputs/evidence.db
      miner news --db outputs/evidence.db
    """
    from miner.terminal import print_news

    graph = _load_graph(db)
    reports = [a for a in graph.graph["articles"] if a.get("study_type") == "news"]
    if as_json:
        for report in reports:
            click.echo(json.dumps({"article": report["id"], "title": report.get("title"),
                                   "reports_on": report.get("reports_on", [])}, ensure_ascii=False))
        return
    print_news(_stdout(), reports)
    _err(f"{len(reports)} news report{'s' if len(reports) != 1 else ''}, "
         f"{sum(1 for r in reports if r.get('reports_on'))} linked to a study")


@cli.command()
@db_option()
@click.option("--top", default=10, show_default=True, type=click.IntRange(1), help="How many top concepts.")
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
def stats(db: Path, top: int, as_json: bool) -> None:
    """What the store holds: articles, concepts by type, findings by relation, top concepts.

    \b
    Example:
      miner stats --db outputs/evidence.db
    """
    from miner.graph.query import graph_stats
    from miner.terminal import print_stats

    summary = graph_stats(_load_graph(db), top=top)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False, indent=1))
        return
    print_stats(_stdout(), summary)


# ----------------------------------------------------------------------------- evaluate

@cli.command()
@click.argument("gold_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--prompts", "prompts_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Evidence Inference prompts (JSON Lines) to score against.")
@click.option("--articles", type=click.Path(file_okay=False, path_type=Path),
              help="Where the prompts' articles are (default: articles/ beside the prompts file).")
@click.option("--db", type=click.Path(dir_okay=False, path_type=Path),
              help="Score what this store holds (with --mine: mine into it, replacing its content).")
@click.option("--mine", "mine_them", is_flag=True, help="Mine the gold texts / the prompts' articles first.")
@click.option("--json", "as_json", is_flag=True, help="The scores as JSON.")
@click.option("--errors", is_flag=True, help="List missed and false findings with their sentences.")
def evaluate(gold_dir: Path | None, prompts_path: Path | None, articles: Path | None, db: Path | None,
             mine_them: bool, as_json: bool, errors: bool) -> None:
    """Score miner against gold annotations (GOLD_DIR) and/or labelled prompts.

    Entity, relation and effect-attachment precision/recall/F1 per type on GOLD_DIR (one
    <id>.json with its <id>.txt per article); pair recall, finding recall and direction
    accuracy on --prompts. See miner.evaluate.matching for how concepts are matched.

    \b
    Example:
      miner evaluate ../shared/corpora/evidence_inference_exercise/gold --mine --errors
      miner evaluate --prompts ../shared/corpora/evidence_inference_exercise/prompts.jsonl --mine
    """
    from miner.evaluate import run

    if gold_dir is None and prompts_path is None:
        raise click.UsageError("give a GOLD_DIR, --prompts FILE, or both")
    if gold_dir is not None and prompts_path is not None and db is not None and mine_them:
        raise click.UsageError("with both GOLD_DIR and --prompts, --mine uses temporary stores: drop --db")
    if mine_them:
        what = " and ".join(str(p) for p in (gold_dir, articles or (prompts_path and prompts_path.parent / "articles"))
                            if p is not None)
        _err(f"mining the texts of {what} first (one process; this takes a while) …")
    gold = run.evaluate_gold(gold_dir, db, mine_them) if gold_dir is not None else None
    prompts = run.evaluate_prompts(prompts_path, articles, db, mine_them) if prompts_path is not None else None
    if as_json:
        click.echo(json.dumps(run.report_dict(gold, prompts, errors), indent=1, ensure_ascii=False))
        return
    if gold is not None:
        click.echo(run.format_gold(gold))
        if errors:
            click.echo(run.format_gold_errors(gold))
    if prompts is not None:
        if gold is not None:
            click.echo("")
        click.echo(run.format_prompts(prompts))
        if errors:
            click.echo(run.format_prompt_errors(prompts))


# ----------------------------------------------------------------------------- view, annotate

@cli.command()
@db_option()
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The HTML file to write.")
@click.option("--max-nodes", default=400, show_default=True, type=click.IntRange(1),
              help="Put the concepts with the most support on the page, at most this many.")
@click.option("--top", default=60, show_default=True, type=click.IntRange(1),
              help="Findings drawn at first (the best supported); the page draws more on request.")
def view(db: Path, output: Path, max_nodes: int, top: int) -> None:
    """Write the evidence graph as one self-contained HTML page (no network needed).

    The first screen is an overview: the best-supported findings and their concepts, laid
    out anew after every filter, the page saying how many it leaves out. Concepts are
    coloured by type, findings by relation (a legend says which); search by name or
    synonym, filter by type, relation and support; click a concept or a finding for its
    evidence.

    \b
    Example:
      miner view -o outputs/graph.html && xdg-open outputs/graph.html
    """
    from miner.export.formats import atomic_write
    from miner.viewer import render_page

    graph = _load_graph(db)
    page = render_page(graph, max_nodes=max_nodes, top=top)
    atomic_write(output, lambda h: h.write(page))
    _err(f"{min(max_nodes, graph.number_of_nodes()):,} of {graph.number_of_nodes():,} concepts on the page, the "
         f"{min(top, graph.number_of_edges()):,} best-supported of {graph.number_of_edges():,} findings drawn at "
         f"first -> {output}")


@cli.command()
@click.argument("article", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The HTML file to write.")
def annotate(article: Path, output: Path) -> None:
    """Draw an article with its concepts, effect sizes and findings marked (displaCy).

    \b
    Example:
      miner annotate corpora/sample/rct-yoga-low-back-pain.md -o outputs/yoga.html
    """
    from miner.articles.readers import read_path
    from miner.errors import ReadError
    from miner.export.formats import atomic_write
    from miner.pipeline import annotate as run_pipeline
    from miner.pipeline import cached_pipeline
    from miner.viewer.annotate import render_annotated

    items = list(read_path(article, article.name))
    problems = [i for i in items if isinstance(i, ReadError)]
    articles = [i for i in items if not isinstance(i, ReadError)]
    for problem in problems:
        _err(f"skipped: {problem}")
    if not articles:
        raise MinerError(f"{article}: nothing to annotate")
    nlp = cached_pipeline()
    too_long = next((a for a in articles if len(a.text) > nlp.max_length), None)
    if too_long is not None:  # `miner mine` mines it in pieces; one page cannot draw it
        raise MinerError(f"{article}: {too_long.id} is too long to draw ({len(too_long.text):,} characters; "
                         f"at most {nlp.max_length:,}); 'miner mine' mines it")
    docs = [doc for _, doc in run_pipeline(nlp, articles)]
    page = render_annotated(docs)
    atomic_write(output, lambda h: h.write(page))
    _err(f"{len(docs)} article(s) -> {output}")


def _quiet_stdout() -> None:
    """The reader of stdout has gone (``miner inspect --json | head -1``): end quietly.

    stdout is pointed at /dev/null, so that flushing what is still buffered at exit raises
    nothing more.
    """
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind stdout (tests)
        pass


def main() -> None:
    """Entry point of the ``miner`` command."""
    try:
        cli(prog_name="miner")
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(0)


if __name__ == "__main__":
    main()
