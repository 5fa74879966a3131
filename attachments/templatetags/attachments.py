"""A report's files as its pages list them: drawn in Python, as the report page draws its
rows' other parts (followup.templatetags.report_fields), since every row asks."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from attachments.models import Attachment
from attachments.selectors import AttachmentIndex
from followup.widget_html import escape

register = template.Library()


def _item(attachment: Attachment, removable: bool) -> str:
    report_pk = attachment.report_id
    download = reverse("attachment-download", args=[report_pk, attachment.pk])
    when = timezone.localtime(attachment.uploaded_at).strftime("%Y-%m-%d %H:%M")
    behalf = " (för nämndens räkning)" if attachment.on_behalf else ""
    remove = (
        f' <a class="attachment__remove" href="'
        f'{reverse("attachment-remove", args=[report_pk, attachment.pk])}">'
        f'Ta bort<span class="visually-hidden"> {escape(attachment.name)}</span></a>'
        if removable
        else ""
    )
    return (
        f'<li class="attachment"><a href="{download}" download>{escape(attachment.name)}</a> '
        f'<span class="meta">{escape(attachment.file_kind.label)}, {attachment.size_text} · '
        f"{escape(attachment.uploader_name)}{behalf} · {when}</span>{remove}</li>"
    )


@register.simple_tag
def attachment_items(index: AttachmentIndex, files: list[Attachment]) -> SafeString:
    """The files as a list: name (the download), kind, size, who and when; "Ta bort" while
    the report can be written."""
    items = "".join(_item(attachment, index.writable) for attachment in files)
    # Every value inside is escaped above.
    return mark_safe(f'<ul class="attachments">{items}</ul>' if items else "")  # noqa: S308


@register.simple_tag
def row_attachments(index: AttachmentIndex | str, anchor: str, oob: bool = False) -> SafeString:
    """A row's files and, while the report can be written, the link to attach one. Always
    there when files can be added, so that an upload can swap it in place (htmx).

    Without an index (a row drawn alone after an htmx save: the template's missing variable,
    ""), a placeholder that htmx fills with the list already on the page (hx-preserve):
    saving a row reads no files."""
    anchor = escape(anchor)  # the row's own id, "a12"
    if not isinstance(index, AttachmentIndex):
        html = f'<div class="row-files" id="{anchor}-bilagor" hx-preserve></div>'
    elif not index.writable and not index.of(anchor):
        html = ""
    else:
        files = attachment_items(index, index.of(anchor))
        title = f'<p class="row-files__title">Bilagor</p>{files}' if files else ""
        link = ""
        if index.writable:
            url = f"{index.list_url}?rad={anchor}#bilaga-form"
            link = (
                f'<p><a href="{url}" aria-describedby="{anchor}-title">'
                "Bifoga en fil till raden</a></p>"
            )
        swap = ' hx-swap-oob="true"' if oob else ""
        html = f'<div class="row-files" id="{anchor}-bilagor"{swap}>{title}{link}</div>'
    # Every value inside is escaped.
    return mark_safe(html)  # noqa: S308
