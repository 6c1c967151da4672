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
    pass


def downgrade():
    pass
