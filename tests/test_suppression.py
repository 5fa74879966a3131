"""Small numbers on public pages and in open data (publishing.suppression): what the public
reads for each kind of value, and the total that would give a hidden part away."""

from django.test import SimpleTestCase, override_settings

from publishing import suppression

HIDDEN = {"value": None, "suppressed": True, "display": "färre än 5"}


def shown(value: float, display: str) -> dict:
    return {"value": value, "suppressed": False, "display": display}


class CountTests(SimpleTestCase):
    def test_one_to_four_read_fewer_than_five(self) -> None:
        for number in (1, 2, 3, 4):
            self.assertEqual(suppression.count(number).as_json(), HIDDEN)

    def test_zero_and_five_and_more_are_shown(self) -> None:
        self.assertEqual(suppression.count(0).as_json(), shown(0, "0"))
        self.assertEqual(suppression.count(5).as_json(), shown(5, "5"))
        self.assertFalse(suppression.count(1028).suppressed)

    def test_missing_is_missing_not_zero_nor_hidden(self) -> None:
        cell = suppression.count(None)
        self.assertEqual((cell.value, cell.suppressed, cell.display), (None, False, "saknas"))

    @override_settings(PUBLIC_SUPPRESSION_THRESHOLD=10)
    def test_the_threshold_is_a_setting(self) -> None:
        self.assertEqual(suppression.count(9).display, "färre än 10")
        self.assertFalse(suppression.count(10).suppressed)
        self.assertIn("från 1 till 9", suppression.rule_text())


class TotalTests(SimpleTestCase):
    def test_a_total_with_exactly_one_hidden_part_is_hidden(self) -> None:
        # 13 = 3 + 10: showing 13 and 10 would give away the 3.
        self.assertTrue(suppression.count(13, groups=[[3, 10]]).suppressed)

    def test_a_total_with_two_hidden_parts_is_shown(self) -> None:
        # 6 = 3 + 3: neither 3 can be told from the total.
        self.assertEqual(suppression.count(6, groups=[[3, 3]]).as_json(), shown(6, "6"))

    def test_a_total_with_no_hidden_part_is_shown(self) -> None:
        self.assertFalse(suppression.count(20, groups=[[10, 10], [0, 20]]).suppressed)

    def test_any_group_with_one_hidden_part_hides_the_total(self) -> None:
        # Women and men both shown, but one board of two hidden.
        self.assertTrue(suppression.count(15, groups=[[7, 8], [2, 13]]).suppressed)

    def test_a_zero_part_is_not_a_hidden_part(self) -> None:
        self.assertFalse(suppression.count(12, groups=[[0, 12]]).suppressed)


class ValueTests(SimpleTestCase):
    def test_a_share_is_shown_with_numerator_denominator_and_percent(self) -> None:
        value = suppression.value("share", 41, 51)
        self.assertEqual(value["display"], "41 av 51 (80,4\N{NO-BREAK SPACE}%)")
        self.assertEqual(value["share"], shown(80.4, "80,4\N{NO-BREAK SPACE}%"))
        self.assertFalse(value["suppressed"])

    def test_a_share_with_a_small_numerator_is_hidden(self) -> None:
        value = suppression.value("share", 3, 40)
        self.assertEqual(value["numerator"], HIDDEN)
        self.assertEqual(value["share"], HIDDEN)
        self.assertEqual(value["denominator"], shown(40, "40"))
        self.assertEqual(value["display"], "färre än 5")
        self.assertTrue(value["suppressed"])

    def test_a_share_with_a_small_denominator_is_hidden_even_with_a_zero_numerator(self) -> None:
        value = suppression.value("share", 0, 3)
        self.assertEqual(value["numerator"], shown(0, "0"))
        self.assertEqual(value["denominator"], HIDDEN)
        self.assertEqual(value["share"], HIDDEN)
        self.assertEqual(value["display"], "färre än 5")

    def test_a_share_total_is_hidden_when_one_boards_numerator_is(self) -> None:
        value = suppression.value("share", 13, 50, parts=[[(3, 20), (10, 30)]])
        self.assertEqual(value["numerator"], HIDDEN)
        self.assertEqual(value["share"], HIDDEN)
        # The denominators are all shown, so the total's is too.
        self.assertEqual(value["denominator"], shown(50, "50"))

    def test_a_share_total_is_hidden_when_one_part_denominator_is(self) -> None:
        value = suppression.value("share", 12, 24, parts=[[(0, 4), (12, 20)]])
        self.assertEqual(value["denominator"], HIDDEN)
        self.assertEqual(value["share"], HIDDEN)

    def test_a_count_has_no_denominator_or_share(self) -> None:
        value = suppression.value("count", 2, None)
        self.assertEqual(value["numerator"], HIDDEN)
        self.assertIsNone(value["denominator"])
        self.assertIsNone(value["share"])
        self.assertEqual(value["display"], "färre än 5")

    def test_yes_no_counts_boards_and_is_never_hidden(self) -> None:
        value = suppression.value("yes_no", 1, 2)
        self.assertEqual(value["display"], "1 av 2 ja")
        self.assertFalse(value["suppressed"])

    def test_a_missing_value_reads_saknas(self) -> None:
        self.assertEqual(suppression.value("share", None, None)["display"], "saknas")

    def test_a_chart_draws_a_gap_for_a_hidden_value(self) -> None:
        self.assertIsNone(suppression.chart_number(suppression.value("share", 3, 40)))
        self.assertEqual(suppression.chart_number(suppression.value("share", 41, 51)), 80.4)
        self.assertEqual(suppression.chart_number(suppression.value("count", 7, None)), 7.0)
