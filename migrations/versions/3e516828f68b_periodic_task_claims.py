"""periodic task claims

One row per periodic task holding the last minute it was claimed for, so that with several
queue consumers (each with its own scheduler) a periodic task runs once a period rather than
once per consumer. See `workshops.queue.claim_slot`.

Revision ID: 3e516828f68b
Revises: e2b0c3d4e5f6
Create Date: 2026-11-28 00:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e516828f68b'
down_revision = 'e2b0c3d4e5f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('periodic_claims',
    sa.Column('task', sa.String(length=200), nullable=False),
    sa.Column('last_slot', sa.BigInteger(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(), nullable=False),
    sa.Column('claimed_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('task', name=op.f('pk_periodic_claims'))
    )


def downgrade():
    op.drop_table('periodic_claims')
