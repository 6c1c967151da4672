"""outbox messages composed on delivery

Revision ID: 6b8d2f0a1c47
Revises: 5a7c1e9d2b34
Create Date: 2026-11-29 11:45:00

A booking's confirmation and waiting-list e-mails were rendered (two templates and a calendar
invite) while the workshop's lock was held. They are now queued as what to write, and written
by the queue's worker when it sends them: the bodies are empty until then.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6b8d2f0a1c47'
down_revision = '5a7c1e9d2b34'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('subject', existing_type=sa.String(length=300), nullable=True)
        batch_op.alter_column('text_body', existing_type=sa.Text(), nullable=True)
        batch_op.alter_column('html_body', existing_type=sa.Text(), nullable=True)
        batch_op.add_column(sa.Column('template', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('composer', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('context', sa.JSON(), nullable=True))


def downgrade():
    # A message still waiting to be written cannot keep its place without a body.
    op.execute("DELETE FROM outbox WHERE text_body IS NULL")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('context')
        batch_op.drop_column('composer')
        batch_op.drop_column('template')
        batch_op.alter_column('html_body', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('text_body', existing_type=sa.Text(), nullable=False)
        batch_op.alter_column('subject', existing_type=sa.String(length=300), nullable=False)
