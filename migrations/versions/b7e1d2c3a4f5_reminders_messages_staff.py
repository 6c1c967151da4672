"""reminders, organiser messages and staff invitations

Revision ID: b7e1d2c3a4f5
Revises: f44fc01709db
Create Date: 2026-11-27 20:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e1d2c3a4f5'
down_revision = 'f44fc01709db'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_sent_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invited_at', sa.DateTime(), nullable=True))

    op.create_table('organiser_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workshop_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_by_label', sa.String(length=254), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id'], name=op.f('fk_organiser_messages_workshop_id_workshops')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_organiser_messages_sent_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organiser_messages')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_organiser_messages_idempotency_key'))
    )
    with op.batch_alter_table('organiser_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organiser_messages_workshop_id'), ['workshop_id'], unique=False)

    op.create_table('organiser_message_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('booking_id', sa.Integer(), nullable=False),
    # No foreign key: data retention deletes outbox rows outright.
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['message_id'], ['organiser_messages.id'], name=op.f('fk_organiser_message_recipients_message_id_organiser_messages')),
    sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_organiser_message_recipients_booking_id_bookings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organiser_message_recipients'))
    )
    with op.batch_alter_table('organiser_message_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organiser_message_recipients_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organiser_message_recipients_outbox_id'), ['outbox_id'], unique=False)


def downgrade():
    with op.batch_alter_table('organiser_message_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organiser_message_recipients_outbox_id'))
        batch_op.drop_index(batch_op.f('ix_organiser_message_recipients_message_id'))
    op.drop_table('organiser_message_recipients')

    with op.batch_alter_table('organiser_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organiser_messages_workshop_id'))
    op.drop_table('organiser_messages')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('invited_at')

    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_column('reminder_sent_at')
