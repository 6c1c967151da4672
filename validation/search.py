"""Full-text search of published practice: one query language, two engines.

People type into the search box what they would type into a web search engine: words (all must
match), "a phrase", `or` between alternatives, `-word` to leave a word out. `parse()` turns any
string into that structure and each engine gets it rendered in its own syntax, so nothing typed
reaches an engine as syntax of its own (FTS5's `NEAR`, `*`, `^`, column filters, unbalanced
quotes or brackets all become plain words or nothing):

- SQLite: FTS5 `MATCH` on `validation_publications_fts` (every token quoted), ranked by bm25;
- PostgreSQL: `websearch_to_tsquery('english', ...)` on the weighted tsvector that the
  migration indexes, ranked by ts_rank.

Both stem English (Porter on SQLite, Snowball on PostgreSQL) and `parse()` drops PostgreSQL's
English stop words for both, so the same data gives the same matches.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import Boolean, ColumnElement, Select, column, func, literal_column, table, text
from sqlalchemy.orm import Session

from validation.models import Publication, PublicationStatus

MAX_QUERY_LENGTH = 200  # the search box's maxlength; longer input is cut, not refused
MAX_TERMS = 16  # bounds the work one request can ask of the engine

# PostgreSQL's english.stop (Snowball's list): the words websearch_to_tsquery ignores.
# SQLite must ignore the same ones or "the family" would need "the" on one backend only.
STOP_WORDS = frozenset("""
i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that
these those am is are was were be been being have has had having do does did doing a an the and
but if or because as until while of at by for with about against between into through during
before after above below to from up down in out on off over under again further then once here
there when where why how all any both each few more most other some such no nor not only own
same so than too very s t can will just don should now
""".split())  # noqa: SIM905  (as the list is printed: easier to check against english.stop)

# A word is a run of letters and digits, as FTS5's unicode61 tokenizer splits text.
_WORD = re.compile(r"[^\W_]+")
# A chunk: an optional leading minus, then a quoted phrase (closing quote optional) or a run of
# anything but spaces and quotes.
_CHUNK = re.compile(r'(?P<minus>-?)(?:"(?P<phrase>[^"]*)"?|(?P<bare>[^\s"]+))')


@dataclass(frozen=True)
class Term:
    """One word or phrase that must appear (or, if `excluded`, must not)."""

    words: tuple[str, ...]
    excluded: bool = False


@dataclass(frozen=True)
class Query:
    """Alternatives joined by `or`, each a list of terms that must all hold.

    An OR of ANDs is how websearch_to_tsquery groups `a b or c` ((a & b) | c), so rendering
    this structure back for PostgreSQL means what it means for SQLite.
    """

    alternatives: tuple[tuple[Term, ...], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.alternatives

    def to_fts5(self) -> str:
        """FTS5 syntax in which every token is a quoted string: no input can be a syntax error."""
        groups = []
        for terms in self.alternatives:
            wanted = " AND ".join(_fts5_string(t) for t in terms if not t.excluded)
            unwanted = " OR ".join(_fts5_string(t) for t in terms if t.excluded)
            groups.append(f"(({wanted}) NOT ({unwanted}))" if unwanted else f"({wanted})")
        return " OR ".join(groups)

    def to_websearch(self) -> str:
        """The same query as websearch_to_tsquery syntax: words, "phrases", or, -word."""
        def one(term: Term) -> str:
            body = term.words[0] if len(term.words) == 1 else '"' + " ".join(term.words) + '"'
            return ("-" if term.excluded else "") + body

        return " or ".join(" ".join(one(t) for t in terms) for terms in self.alternatives)


def _fts5_string(term: Term) -> str:
    # The words hold only letters and digits, so no quote needs escaping; doubling any quote
    # keeps that true should the word pattern ever change.
    return '"' + " ".join(term.words).replace('"', '""') + '"'


def clean(raw: str | None) -> str:
    """The query as typed, made safe to keep and show: NFC, no control characters, cut short."""
    text_ = unicodedata.normalize("NFC", raw or "")
    text_ = "".join(ch if ch.isprintable() else " " for ch in text_)
    return " ".join(text_.split())[:MAX_QUERY_LENGTH]


def _words(chunk: str) -> tuple[str, ...]:
    words = _WORD.findall(chunk.lower())
    # Stop words at either end carry nothing; inside a phrase they keep its words apart.
    while words and words[0] in STOP_WORDS:
        words.pop(0)
    while words and words[-1] in STOP_WORDS:
        words.pop()
    return tuple(words)


def parse(raw: str | None) -> Query:
    """Any string to a Query; never raises. Empty when nothing searchable is left."""
    alternatives: list[tuple[Term, ...]] = []
    current: list[Term] = []
    count = 0
    for match in _CHUNK.finditer(clean(raw)):
        bare = match.group("bare")
        if bare is not None and not match.group("minus") and bare.lower() == "or":
            if current:
                alternatives.append(tuple(current))
                current = []
            continue
        words = _words(match.group("phrase") if bare is None else bare)
        if not words or count >= MAX_TERMS:
            continue
        current.append(Term(words, excluded=bool(match.group("minus"))))
        count += 1
    if current:
        alternatives.append(tuple(current))
    # An alternative of exclusions only ("-cats") would match nearly everything, and FTS5
    # cannot say it: such alternatives are dropped on both backends alike.
    return Query(tuple(terms for terms in alternatives if any(not t.excluded for t in terms)))


# --- the engines ------------------------------------------------------------------------

FTS_TABLE = "validation_publications_fts"
INDEXED_COLUMNS = ("title", "summary", "what_you_did", "impact", "evidence", "transferability",
                   "organisation", "topic")
_fts = table(FTS_TABLE, column("rowid"))
# bm25 weights in the FTS table's column order: title, summary, what_you_did, impact, evidence,
# transferability, organisation, topic (title weighs most, as on PostgreSQL).
_BM25_WEIGHTS = (10.0, 4.0, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0)

# Made by hand in migration e2b0c3d4e5f6: the SQLite FTS5 table (and its shadow tables, whose
# names start with it) and the PostgreSQL expression index. No model describes them; the
# plugin declares them (Plugin.hand_made_schema) so autogenerate leaves them alone.
HAND_MADE_SCHEMA = (FTS_TABLE, "ix_validation_publications_search")


# Must stay the expression the migration indexes (e2b0c3d4e5f6), or PostgreSQL stops using
# the index; tests/validation/test_library.py checks the plan. Here the columns are qualified
# (the index's are not; PostgreSQL compares the parsed expressions) so a query that joins a
# table with columns of the same names (validation_cases has title, organisation, evidence)
# stays unambiguous.
DOCUMENT_SQL = (
    "setweight(to_tsvector('english', coalesce({t}title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce({t}summary, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce({t}topic, '') || ' ' || "
    "coalesce({t}organisation, '')), 'C') || "
    "setweight(to_tsvector('english', coalesce({t}what_you_did, '') || ' ' || "
    "coalesce({t}impact, '') || ' ' || coalesce({t}evidence, '') || ' ' || "
    "coalesce({t}transferability, '')), 'D')"
).format(t="validation_publications.")


def restrict(stmt: Select, query: Query, dialect: str) -> tuple[Select, ColumnElement | None]:
    """`stmt` (which selects from validation_publications) narrowed to rows matching `query`,
    and the ordering that puts the best match first (None for an empty query)."""
    if query.is_empty:
        return stmt, None
    if dialect == "sqlite":
        matches = literal_column(FTS_TABLE).op("MATCH", return_type=Boolean)(query.to_fts5())
        stmt = stmt.join(_fts, _fts.c.rowid == Publication.id).where(matches)
        # bm25 is lower for better matches.
        return stmt, func.bm25(literal_column(FTS_TABLE), *_BM25_WEIGHTS).asc()
    if dialect == "postgresql":
        document = literal_column(DOCUMENT_SQL)
        tsquery = func.websearch_to_tsquery(literal_column("'english'"), query.to_websearch())
        stmt = stmt.where(document.op("@@", return_type=Boolean)(tsquery))
        return stmt, func.ts_rank(document, tsquery).desc()
    # Unreachable in the app: create_app refuses any other database.
    raise ValueError(f"full-text search needs SQLite or PostgreSQL, not {dialect}")


def reindex(session: Session, publication_id: int) -> None:
    """Bring one publication's index entry up to date (PostgreSQL's index needs no help).

    The migration's triggers already do this on every write; publish() and unpublish() call it
    as well so that publishing stays right even if a table rebuild dropped the triggers.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    columns = ", ".join(INDEXED_COLUMNS)
    session.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": publication_id})
    session.execute(text(
        f"INSERT INTO {FTS_TABLE}(rowid, {columns}) SELECT id, {columns} "
        "FROM validation_publications WHERE id = :id AND status = :published"),
        {"id": publication_id, "published": str(PublicationStatus.PUBLISHED)})
