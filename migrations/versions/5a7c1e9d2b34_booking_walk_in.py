"""booking walk-in flag

Revision ID: 5a7c1e9d2b34
Revises: 0bc22a66c5cf
Create Date: 2026-11-28 05:15:00

Walk-ins were told apart by their audit entry: the only bookings whose "booked" entry names a
staff user are those attendance.walk_in made at the desk. The flag now lives on the booking, so
the record survives the audit log's pruning; existing walk-ins are found the old way once.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a7c1e9d2b34'
down_revision = '0bc22a66c5cf'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('walk_in', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    bookings = sa.table('bookings', sa.column('id', sa.Integer), sa.column('walk_in', sa.Boolean))
    audit = sa.table('audit_entries', sa.column('entity', sa.String),
                     sa.column('entity_id', sa.Integer), sa.column('action', sa.String),
                     sa.column('actor_id', sa.Integer))
    made_at_the_desk = (sa.select(audit.c.entity_id)
                        .where(audit.c.entity == 'booking', audit.c.action == 'booked',
                               audit.c.actor_id.is_not(None)))
    op.execute(bookings.update().where(bookings.c.id.in_(made_at_the_desk))
               .values(walk_in=sa.true()))


def downgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('walk_in')
