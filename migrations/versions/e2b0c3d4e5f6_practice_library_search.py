"""practice library full-text search

SQLite: an FTS5 table `validation_publications_fts` whose rowid is the publication's id, holding
the searchable text of PUBLISHED publications only, kept right by triggers on every insert,
update and delete of `validation_publications` (so rows written by any code path, and rows
deleted, never leave the index stale). The table keeps its own copy of the text rather than
being contentless or external-content: deleting a row from those needs the exact old values,
and a mismatch silently corrupts the index; a copy of a few hundred examples costs nothing.

PostgreSQL: a GIN index on a weighted tsvector expression over the same columns. It needs no
upkeep; `validation/search.py` writes the same expression so the planner uses the index.

NOTE for later migrations: on SQLite, Alembic's batch mode rebuilds a table by copying it and
dropping the original, which drops its triggers. A batch_alter_table on validation_publications
must recreate the triggers below (tests/validation/test_library.py fails if they are missing).

Revision ID: e2b0c3d4e5f6
Revises: d1a0b2c3d4e5
Create Date: 2026-11-28 10:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e2b0c3d4e5f6'
down_revision = 'd1a0b2c3d4e5'
branch_labels = None
depends_on = None

COLUMNS = ("title", "summary", "what_you_did", "impact", "evidence", "transferability",
           "organisation", "topic")
# Porter stemming ("families" finds "family"); diacritics kept, as PostgreSQL's english
# configuration keeps them, so both backends match the same words.
SQLITE_TABLE = (
    "CREATE VIRTUAL TABLE validation_publications_fts USING fts5("
    + ", ".join(COLUMNS)
    + ", tokenize = 'porter unicode61 remove_diacritics 0')"
)
_NEW = ", ".join(f"new.{c}" for c in COLUMNS)
_COLS = ", ".join(COLUMNS)
SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER validation_publications_fts_insert
    AFTER INSERT ON validation_publications WHEN new.status = 'published'
    BEGIN
        INSERT INTO validation_publications_fts(rowid, {_COLS}) VALUES (new.id, {_NEW});
    END""",
    # Any change to the text or the status: take the row out, put it back if published.
    f"""CREATE TRIGGER validation_publications_fts_update
    AFTER UPDATE OF id, status, {_COLS} ON validation_publications
    BEGIN
        DELETE FROM validation_publications_fts WHERE rowid = old.id;
        INSERT INTO validation_publications_fts(rowid, {_COLS})
            SELECT new.id, {_NEW} WHERE new.status = 'published';
    END""",
    """CREATE TRIGGER validation_publications_fts_delete
    AFTER DELETE ON validation_publications
    BEGIN
        DELETE FROM validation_publications_fts WHERE rowid = old.id;
    END""",
)
SQLITE_FILL = (
    f"INSERT INTO validation_publications_fts(rowid, {_COLS}) "
    f"SELECT id, {_COLS} FROM validation_publications WHERE status = 'published'"
)

# A copy of validation/search.py's DOCUMENT_SQL at this revision (a migration must not change
# when the code does). Title weighs most, then the summary, then topic and organisation.
POSTGRESQL_DOCUMENT = (
    "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(summary, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(topic, '') || ' ' || coalesce(organisation, '')), "
    "'C') || "
    "setweight(to_tsvector('english', coalesce(what_you_did, '') || ' ' || coalesce(impact, '') "
    "|| ' ' || coalesce(evidence, '') || ' ' || coalesce(transferability, '')), 'D')"
)
POSTGRESQL_INDEX = "ix_validation_publications_search"


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(SQLITE_TABLE)
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)
        op.execute(SQLITE_FILL)
    elif dialect == "postgresql":
        op.execute(f"CREATE INDEX {POSTGRESQL_INDEX} ON validation_publications "
                   f"USING gin (({POSTGRESQL_DOCUMENT}))")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS validation_publications_fts_{name}")
        op.execute("DROP TABLE IF EXISTS validation_publications_fts")
    elif dialect == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {POSTGRESQL_INDEX}")
