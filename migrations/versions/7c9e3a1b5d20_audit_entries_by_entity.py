"""audit entries found by what they are about

Revision ID: 7c9e3a1b5d20
Revises: 6b8d2f0a1c47
Create Date: 2026-11-29 22:45:00

A delegate's page for a moved booking, a password reset's hourly cap and the erasure of a
person's data each look up the audit entries about one booking or one user. Without an index
each of those read the whole log, which grows with every booking.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '7c9e3a1b5d20'
down_revision = '6b8d2f0a1c47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_entries_entity', 'audit_entries', ['entity', 'entity_id'])


def downgrade():
    op.drop_index('ix_audit_entries_entity', table_name='audit_entries')
