"""series no longer have an organiser's email address of their own

Revision ID: a3c5e7f9b1d2
Revises: 8d1f4b2c6e30
Create Date: 2026-11-30 07:00:00

A series' own address had been the organiser of its calendar invites and the contact in one
email, while every other page and email gave the programme's: people did not know where to
write. There is one contact address now, PROGRAMME_CONTACT_EMAIL (workshops.config).
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a3c5e7f9b1d2'
down_revision = '8d1f4b2c6e30'
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: SQLite (3.35 and later) drops a plain column in place, where a batch
    # would copy the table, and dropping the old copy breaks the workshops' foreign keys.
    op.drop_column('series', 'organiser_email')


def downgrade():
    op.add_column('series', sa.Column('organiser_email', sa.String(length=254), nullable=False,
                                      server_default=''))
