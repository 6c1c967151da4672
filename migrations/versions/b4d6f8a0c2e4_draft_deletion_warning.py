"""practice drafts record when their deletion was announced

Revision ID: b4d6f8a0c2e4
Revises: a3c5e7f9b1d2
Create Date: 2026-12-01 09:00:00

Unsent drafts go RETENTION_MONTHS after they were last changed, and their submitter is warned
once, two weeks before (feedback.draft_retention): the column says whether, and when.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b4d6f8a0c2e4'
down_revision = 'a3c5e7f9b1d2'
branch_labels = None
depends_on = None


def upgrade():
    # A nullable column with no default: SQLite adds it in place, no batch copy of the table.
    op.add_column('feedback_submissions',
                  sa.Column('deletion_warned_at', sa.DateTime(), nullable=True))


def downgrade():
    # Not in batch mode: SQLite (3.35 and later) drops a plain column in place, where a batch
    # would copy the table under the evidence files' foreign key.
    op.drop_column('feedback_submissions', 'deletion_warned_at')
