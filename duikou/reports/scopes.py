"""Who may read and write the year-end summary and the statistical workbook."""

from __future__ import annotations

from duikou.accounts.models import User
from duikou.accounts.scopes import is_headquarters, reads_everything


def can_read_reports(user: User) -> bool:
    """Headquarters and viewers: the summary covers the whole programme."""
    return reads_everything(user)


def can_write_summary(user: User) -> bool:
    """Generate, regenerate and edit: headquarters only."""
    return is_headquarters(user)


def roster_personal_columns(user: User) -> bool:
    """The workbook's roster carries the masked phone only for headquarters; a viewer's has no
    personal column at all. Neither ever gets an unmasked number."""
    return is_headquarters(user)
