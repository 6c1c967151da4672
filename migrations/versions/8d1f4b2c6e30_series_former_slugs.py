"""series keep their former web addresses

Revision ID: 8d1f4b2c6e30
Revises: 7c9e3a1b5d20
Create Date: 2026-11-30 05:10:00

Changing a series' web address broke every link already sent: confirmation emails, packs,
calendar subscriptions. The addresses it had are kept, and redirect to the one it has now.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8d1f4b2c6e30'
down_revision = '7c9e3a1b5d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'series_former_slugs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('series_id', sa.Integer(), nullable=False),
        sa.Column('slug', sa.String(length=80), nullable=False),
        sa.Column('replaced_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['series_id'], ['series.id'], ondelete='CASCADE',
                                name=op.f('fk_series_former_slugs_series_id_series')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_series_former_slugs')),
        sa.UniqueConstraint('slug', name=op.f('uq_series_former_slugs_slug')),
    )
    op.create_index(op.f('ix_series_former_slugs_series_id'), 'series_former_slugs',
                    ['series_id'])


def downgrade():
    op.drop_index(op.f('ix_series_former_slugs_series_id'), table_name='series_former_slugs')
    op.drop_table('series_former_slugs')
