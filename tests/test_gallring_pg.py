"""Two `manage.py gallra` at once on PostgreSQL (issue 14, point 2): cron on two app servers
starting together. Neither fails, nothing is removed twice, and together they remove what
one run would. SQLite runs one writer at a time; this runs on PostgreSQL only
(DATABASE_URL=postgres://…), like tests/test_concurrency_pg.py."""

from unittest import skipUnless

from django.db import connection
from django.test import TransactionTestCase, override_settings

from tests.document_jobs import MEDIA_ROOT
from tests.followup_data import build_small_world
from tests.retention_data import (
    EXPECTED_REMOVED,
    EXPECTED_REPORTED,
    RETENTION,
    removed,
    seed,
    table_counts,
)
from tests.test_concurrency_pg import simultaneously
from tests.test_gallring import gallra, reported


@skipUnless(connection.vendor == "postgresql", "races need PostgreSQL's concurrent writers")
@override_settings(RETENTION=RETENTION, MEDIA_ROOT=MEDIA_ROOT)
class GallraAtOnceTests(TransactionTestCase):
    def test_two_runs_at_once_remove_what_one_would_and_nothing_twice(self) -> None:
        seed(build_small_world())
        before = table_counts()
        outputs = simultaneously([gallra, gallra])
        self.assertEqual(removed(before, table_counts()), EXPECTED_REMOVED)
        total: dict[str, int] = {}
        for output in outputs:
            for label, count in reported(output).items():
                total[label] = total.get(label, 0) + count
        self.assertEqual({label: n for label, n in total.items() if n}, EXPECTED_REPORTED)
        # Either the second found the lock taken, or it came after and found nothing.
        self.assertTrue(
            any("körs redan" in output or not any(reported(output).values()) for output in outputs),
            outputs,
        )
