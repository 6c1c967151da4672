"""info request flags

What the identifying-information scan finds in the answers a submitter amends while answering
a request for more information, and which of those findings they have confirmed. Requests made
before this revision start with none: the scan runs again whenever the amendments are read.

Revision ID: 0bc22a66c5cf
Revises: 3e516828f68b
Create Date: 2026-11-28 00:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0bc22a66c5cf'
down_revision = '3e516828f68b'
branch_labels = None
depends_on = None


def upgrade():
    # The default fills the rows already there; the application always writes the column.
    with op.batch_alter_table('validation_info_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flags', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))
    with op.batch_alter_table('validation_info_requests', schema=None) as batch_op:
        batch_op.alter_column('flags', server_default=None)


def downgrade():
    with op.batch_alter_table('validation_info_requests', schema=None) as batch_op:
        batch_op.drop_column('flags')
