from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse

from catalog.models import Activity, Board, Goal
from tests.catalog_data import stockholm, stockholm_data
from tests.test_catalog_pages import grow_catalog

SLUG = "stockholm-2021-2025"


class ProgrammeApiTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.programme = stockholm()

    def test_programme_list_is_public_json_with_links(self) -> None:
        response = self.client.get(reverse("api-programme-list"))
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertEqual(
            response.json(),
            {
                "programmes": [
                    {
                        "slug": SLUG,
                        "name": self.programme.name,
                        "short_name": "Program mot våld 2021–2025",
                        "organisation": "Stockholms stad",
                        "start_year": 2021,
                        "end_year": 2025,
                        "url": f"http://testserver/api/v1/programmes/{SLUG}/",
                    }
                ]
            },
        )

    def test_programme_detail_is_the_whole_catalog_as_in_the_document(self) -> None:
        payload = self.client.get(reverse("api-programme", args=[SLUG])).json()
        source = stockholm_data()
        self.assertEqual(payload["vision"], source["programme"]["vision"])
        self.assertEqual(len(payload["goals"]), 7)
        for goal, goal_source in zip(payload["goals"], source["goals"], strict=True):
            self.assertEqual(goal["title"], goal_source["title"])
            self.assertEqual(goal["prerequisites"], goal_source["prerequisites"])
            self.assertEqual(
                [(a["text"], a["responsible_text"]) for a in goal["activities"]],
                [(a["text"], a["responsible_text"]) for a in goal_source["activities"]],
            )
            self.assertEqual(
                [(i["text"], i["kind"]) for i in goal["indicators"]],
                [(i["text"], i["kind"]) for i in goal_source["indicators"]],
            )

    def test_responsible_boards_carry_name_slug_kind_and_role(self) -> None:
        payload = self.client.get(reverse("api-programme", args=[SLUG])).json()
        indicator = payload["goals"][4]["indicators"][1]
        self.assertEqual(
            indicator["text"],
            "Antal unga som får stöd och hjälp av Stödcentrum utifrån våld i nära relationer.",
        )
        self.assertEqual(
            indicator["responsible"],
            [
                {
                    "slug": "socialnamnden",
                    "name": "Socialnämnden",
                    "kind": "facknamnd",
                    "kind_label": "Facknämnd",
                    "organisation": "Stockholms stad",
                    "role": "ansvarig",
                }
            ],
        )
        activity = payload["goals"][0]["activities"][0]
        self.assertEqual(len(activity["responsible"]), 14)
        self.assertEqual(
            sum(1 for board in activity["responsible"] if board["kind"] == "stadsdelsnamnd"), 13
        )

    def test_json_keeps_swedish_letters_readable(self) -> None:
        response = self.client.get(reverse("api-programme", args=[SLUG]))
        self.assertIn("våldsförebyggande".encode(), response.content)

    def test_unknown_programme_is_404(self) -> None:
        self.assertEqual(self.client.get(reverse("api-programme", args=["nej"])).status_code, 404)

    def test_api_is_read_only(self) -> None:
        for url in (reverse("api-programme-list"), reverse("api-board-list")):
            with self.subTest(url=url):
                self.assertEqual(self.client.post(url, {}).status_code, 405)
                self.assertEqual(self.client.delete(url).status_code, 405)

    def test_programme_detail_query_count_does_not_grow(self) -> None:
        url = reverse("api-programme", args=[SLUG])
        # the catalog's last change; programme, goals, prerequisites, activities, their
        # boards, indicators, their boards
        with self.assertNumQueries(8):
            self.client.get(url)
        grow_catalog(extra_boards=20)  # bulk writes record no history: clear by hand
        cache.clear()
        with self.assertNumQueries(8):
            payload = self.client.get(url).json()
        self.assertEqual(len(payload["goals"][0]["activities"][0]["responsible"]), 34)

    def test_programme_detail_is_computed_once_per_catalog_change(self) -> None:
        url = reverse("api-programme", args=[SLUG])
        first = self.client.get(url)
        # the catalog's last change; the document comes from the cache
        with self.assertNumQueries(1):
            again = self.client.get(url)
        self.assertEqual(again.content, first.content)
        activity = Activity.objects.get(goal__number=1, position=1, added_by__isnull=True)
        activity.text = "Ny formulering av aktiviteten."
        activity.save()
        changed = self.client.get(url).json()
        self.assertEqual(changed["goals"][0]["activities"][0]["text"], activity.text)

    def test_revalidation_answers_304_until_the_catalog_changes(self) -> None:
        for url in (
            reverse("api-programme", args=[SLUG]),
            reverse("api-programme-list"),
            reverse("api-board-list"),
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                etag, modified = response["ETag"], response["Last-Modified"]
                self.assertIn("no-cache", response["Cache-Control"])
                not_modified = self.client.get(url, headers={"If-None-Match": etag})
                self.assertEqual(not_modified.status_code, 304)
                self.assertEqual(not_modified.content, b"")
                since = self.client.get(url, headers={"If-Modified-Since": modified})
                self.assertEqual(since.status_code, 304)
                # Another host gets its own links, so its own tag.
                elsewhere = self.client.get(
                    url, headers={"If-None-Match": etag}, HTTP_HOST="localhost"
                )
                self.assertEqual(elsewhere.status_code, 200)

        goal = Goal.objects.get(programme__slug=SLUG, number=2)
        goal.title = "Ändrad rubrik"
        goal.save()
        url = reverse("api-programme", args=[SLUG])
        response = self.client.get(url, headers={"If-None-Match": etag})
        self.assertEqual(response.status_code, 200)
        self.assertNotEqual(response["ETag"], etag)
        self.assertEqual(response.json()["goals"][1]["title"], "Ändrad rubrik")


class BoardApiTests(TestCase):
    def test_boards_with_kind_and_groups(self) -> None:
        boards = self.client.get(reverse("api-board-list")).json()["boards"]
        self.assertEqual(len(boards), 23)
        skarholmen = next(b for b in boards if b["slug"] == "skarholmens-stadsdelsnamnd")
        self.assertEqual(
            skarholmen,
            {
                "slug": "skarholmens-stadsdelsnamnd",
                "name": "Skärholmens stadsdelsnämnd",
                "kind": "stadsdelsnamnd",
                "kind_label": "Stadsdelsnämnd",
                "organisation": "Stockholms stad",
                "groups": ["stadsdelsnämnderna"],
            },
        )

    def test_board_list_query_count_does_not_grow(self) -> None:
        # the catalog's last change (for ETag and Last-Modified), boards, their groups
        with self.assertNumQueries(3):
            self.client.get(reverse("api-board-list"))
        grow_catalog(extra_boards=20)  # bulk writes record no history: clear by hand
        cache.clear()
        with self.assertNumQueries(3):
            boards = self.client.get(reverse("api-board-list")).json()["boards"]
        self.assertEqual(len(boards), 43)

    def test_board_list_is_computed_once_per_catalog_change(self) -> None:
        url = reverse("api-board-list")
        first = self.client.get(url)
        # the catalog's last change; the document comes from the cache
        with self.assertNumQueries(1):
            again = self.client.get(url)
        self.assertEqual(again.content, first.content)
        board = Board.objects.get(slug="skarholmens-stadsdelsnamnd")
        board.name = "Skärholmens stadsdelsnämnd (ny)"
        board.save()
        names = [b["name"] for b in self.client.get(url).json()["boards"]]
        self.assertIn(board.name, names)
