"""Adding and removing a report's attachments: checked, then stored and recorded together.

Both lock the report and check, inside the transaction, that it can still be written (a
draft or returned, in an open period or reopened): the same rule as every other change to
a report (followup.services.ensure_open). A refused file leaves nothing behind: neither a
row nor a stored file.
"""

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum

from attachments import content
from attachments.content import Refused
from attachments.models import Attachment, split_anchor
from attachments.uploads import max_bytes, max_report_bytes, size_text, too_big_message
from followup.history import history_stamp
from followup.models import Report
from followup.rows import kind_by_key

# The report's lock and open-for-writing rule are followup.services' own.
from followup.services import _lock_report, ensure_open

NO_SUCH_ROW = "Raden finns inte i rapporten. Välj var filen ska bifogas."


def attachment_add(
    *,
    report: Report,
    file: UploadedFile,
    name: str,
    anchor: str,
    user: User,
    on_behalf: bool,
) -> Attachment:
    """Attach the uploaded file (shown as `name`) to the report's row `anchor` ("a12"), or
    to the report as a whole; Refused (or followup's FollowupError) with the reason."""
    size = file.size or 0
    if size == 0:
        raise Refused(content.EMPTY)
    if size > max_bytes():
        raise Refused(too_big_message())
    kind = content.check(file, name)
    try:
        row_kind, row_id = split_anchor(anchor)
    except ValueError:
        raise Refused(NO_SUCH_ROW) from None
    attachment = Attachment(
        report=report,
        row_kind=row_kind,
        row_id=row_id,
        name=name,
        size=size,
        kind=kind.key,
        uploaded_by=user,
        on_behalf=on_behalf,
    )
    try:
        with transaction.atomic():
            ensure_open(_lock_report(report))
            rows = kind_by_key(row_kind).model.objects if row_kind else None
            if rows is not None and not rows.filter(report=report, pk=row_id or 0).exists():
                raise Refused(NO_SUCH_ROW)
            used = Attachment.objects.filter(report=report).aggregate(used=Sum("size"))["used"]
            if (used or 0) + size > max_report_bytes():
                raise Refused(
                    f"Rapportens bilagor får tillsammans vara högst "
                    f"{size_text(max_report_bytes())}; {size_text(used or 0)} är redan "
                    "bifogat. Ta bort en bilaga eller bifoga en mindre fil."
                )
            file.seek(0)
            attachment.file.save(name, file, save=False)
            history_stamp(attachment, user)
            attachment.save()
    except BaseException:
        # Stored, but the row was not: remove the file again.
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def attachment_remove(*, attachment: Attachment, user: User) -> None:
    """Remove the attachment and, once that is committed, its stored file. Its history
    (who attached and who removed it, the name and size) stays."""
    with transaction.atomic():
        ensure_open(_lock_report(attachment.report))
        storage, stored = attachment.file.storage, attachment.file.name
        history_stamp(attachment, user)
        attachment.delete()
        if stored:
            transaction.on_commit(lambda: storage.delete(stored))
