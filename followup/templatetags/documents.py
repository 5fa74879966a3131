"""Which documents a page may offer its reader."""

from django import template

from catalog.models import Board, Programme
from followup import access

register = template.Library()


@register.simple_tag(takes_context=True)
def may_read_status(context: template.Context, programme: Programme, board: Board) -> bool:
    """Whether the reader may open the board's styrkort with status: a link that would answer
    404 is not offered."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return False
    return access.may_read_status(user, programme, board)
