"""feedback: practice submissions, evidence files, invitations, evaluations; mail attachments

Revision ID: c8f2e3d4b5a6
Revises: b7e1d2c3a4f5
Create Date: 2026-11-27 21:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c8f2e3d4b5a6'
down_revision = 'b7e1d2c3a4f5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'feedback_submissions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('reference', sa.String(length=20), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=True),
        sa.Column('workshop_id', sa.Integer(), nullable=True),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('sections_saved', sa.JSON(), nullable=False),
        sa.Column('flags', sa.JSON(), nullable=False),
        sa.Column('flags_confirmed', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id']),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token'),
        sa.UniqueConstraint('reference'),
    )
    op.create_index('ix_feedback_submissions_status', 'feedback_submissions', ['status'])
    op.create_index('ix_feedback_submissions_booking_id', 'feedback_submissions', ['booking_id'])
    op.create_index('ix_feedback_submissions_workshop_id', 'feedback_submissions',
                    ['workshop_id'])
    op.create_table(
        'feedback_evidence_files',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.Integer(), nullable=False),
        sa.Column('stored_name', sa.String(length=64), nullable=False),
        sa.Column('original_name', sa.String(length=255), nullable=False),
        sa.Column('media_type', sa.String(length=120), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['feedback_submissions.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('stored_name'),
    )
    op.create_index('ix_feedback_evidence_files_submission_id', 'feedback_evidence_files',
                    ['submission_id'])
    op.create_table(
        'feedback_invitations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('invited_at', sa.DateTime(), nullable=False),
        sa.Column('reminded_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id']),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('booking_id'),
        sa.UniqueConstraint('token'),
    )
    op.create_index('ix_feedback_invitations_workshop_id', 'feedback_invitations',
                    ['workshop_id'])
    op.create_table(
        'feedback_evaluations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('workshop_id', sa.Integer(), nullable=False),
        sa.Column('answers', sa.JSON(), nullable=False),
        sa.Column('submitted_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id']),
        sa.ForeignKeyConstraint(['workshop_id'], ['workshops.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('booking_id', name='uq_feedback_evaluations_booking'),
    )
    op.create_index('ix_feedback_evaluations_workshop_id', 'feedback_evaluations',
                    ['workshop_id'])
    # A receipt carries a PDF copy of what was submitted; the outbox keeps it with the message.
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachment_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('attachment_type', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('attachment', sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('attachment')
        batch_op.drop_column('attachment_type')
        batch_op.drop_column('attachment_name')
    op.drop_table('feedback_evaluations')
    op.drop_table('feedback_invitations')
    op.drop_table('feedback_evidence_files')
    op.drop_table('feedback_submissions')
