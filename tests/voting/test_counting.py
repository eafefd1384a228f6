"""The count (DESIGN §4): every threshold at, just below and just above its
boundary, abstentions, ties, alternatives — on the pure ``judge`` function."""
from fractions import Fraction

import pytest

from residentvoice.voting.counting import OptionResult, Totals, judge
from residentvoice.voting.models import Basis, Matter


def opt(id_, heads, area=0, kind="agree", units=None):
    return OptionResult(id_, f"o{id_}", kind, None, Totals(units or heads, heads, area),
                        kind in ("agree", "choice"))


def owners(matter, electorate, participation, options):
    return judge(Basis.owners, matter, electorate, participation, options)


FULL = Totals(300, 300, 30000)


@pytest.mark.parametrize("area, met", [(20000, True), (19999, False), (20001, True)])
def test_participation_area_two_thirds_is_inclusive(area, met):
    result = owners(Matter.use_fund, FULL, Totals(300, 300, area), [opt(1, 300, area)])
    assert result.participation_thresholds[0].met is met
    assert result.participation_met is met


@pytest.mark.parametrize("heads, met", [(200, True), (199, False), (201, True)])
def test_participation_headcount_two_thirds_is_inclusive(heads, met):
    result = owners(Matter.use_fund, FULL, Totals(heads, heads, 30000), [opt(1, heads, 30000)])
    assert result.participation_thresholds[1].met is met
    assert result.participation_met is met
    assert result.passed is met


@pytest.mark.parametrize("matter", [Matter.common_parts_use, Matter.raise_fund, Matter.rebuild])
@pytest.mark.parametrize("agree_area, passed", [(7500, True), (7499, False), (7501, True)])
def test_qualified_matters_need_three_quarters_of_area_inclusive(matter, agree_area, passed):
    part = Totals(400, 400, 10000)
    result = owners(matter, Totals(400, 400, 10000), part,
                    [opt(1, 400, agree_area), opt(2, 0, 10000 - agree_area, "against")])
    assert result.options[0].thresholds[0].met is passed
    assert result.passed is passed


@pytest.mark.parametrize("agree_heads, passed", [(300, True), (299, False), (301, True)])
def test_qualified_matters_need_three_quarters_of_headcount_inclusive(agree_heads, passed):
    part = Totals(400, 400, 10000)
    result = owners(Matter.common_parts_use, part, part,
                    [opt(1, agree_heads, 10000), opt(2, 400 - agree_heads, 0, "against")])
    assert result.options[0].thresholds[1].met is passed
    assert result.passed is passed


@pytest.mark.parametrize("matter", [Matter.use_fund, Matter.owners_other])
@pytest.mark.parametrize("agree_area, passed", [(5000, False), (4999, False), (5001, True)])
def test_majority_matters_need_more_than_half_of_area_strictly(matter, agree_area, passed):
    part = Totals(10, 10, 10000)
    result = owners(matter, part, part, [opt(1, 10, agree_area)])
    assert result.passed is passed


@pytest.mark.parametrize("agree_heads, passed", [(5, False), (4, False), (6, True)])
def test_majority_matters_need_more_than_half_of_headcount_strictly(agree_heads, passed):
    part = Totals(10, 10, 10000)
    result = owners(Matter.use_fund, part, part, [opt(1, agree_heads, 10000)])
    assert result.options[0].thresholds[1].met is passed
    assert result.passed is passed


def test_no_decision_without_participation_even_if_everyone_present_agrees():
    result = owners(Matter.use_fund, FULL, Totals(100, 100, 10000), [opt(1, 100, 10000)])
    assert not result.participation_met
    assert not result.passed
    assert "Not enough owners" in str(result.explanation)


def test_abstentions_take_part_but_do_not_agree():
    part = Totals(4, 4, 400)
    agree, abstain = opt(1, 3, 300), opt(3, 1, 100, "abstain")
    assert owners(Matter.common_parts_use, part, part, [agree, abstain]).passed
    agree, against, abstain = opt(1, 2, 200), opt(2, 1, 100, "against"), opt(3, 1, 100, "abstain")
    result = owners(Matter.use_fund, part, part, [agree, against, abstain])
    assert not result.passed   # 2 of 4 taking part is exactly half: not more than half
    assert not abstain.thresholds and not abstain.passed


def test_against_and_abstain_options_are_never_judged_as_passing():
    part = Totals(4, 4, 400)
    result = owners(Matter.use_fund, part, part, [opt(1, 0), opt(2, 4, 400, "against")])
    assert not result.passed
    assert result.options[1].thresholds == []


def test_alternatives_each_against_the_same_thresholds():
    part = Totals(10, 10, 1000)
    a, b, c = opt(1, 6, 600, "choice"), opt(2, 3, 300, "choice"), opt(3, 1, 100, "abstain")
    result = owners(Matter.owners_other, part, part, [a, b, c])
    assert [o.id for o in result.passed_options] == [1]
    assert b.thresholds and not b.passed
    a, b = opt(1, 5, 500, "choice"), opt(2, 5, 500, "choice")
    assert owners(Matter.owners_other, part, part, [a, b]).passed_options == []


def residents(electorate, participation, options):
    return judge(Basis.residents, Matter.consultative, Totals(electorate, electorate),
                 Totals(participation, participation), options)


@pytest.mark.parametrize("turnout, met", [(5, False), (6, True), (4, False)])
def test_residents_quorum_is_a_majority_of_the_electorate(turnout, met):
    result = residents(10, turnout, [opt(1, turnout)])
    assert result.participation_met is met
    assert result.passed is met


def test_residents_tie_fails_and_majority_of_votes_cast_passes():
    assert not residents(10, 6, [opt(1, 3), opt(2, 3, kind="against")]).passed
    assert residents(10, 6, [opt(1, 4), opt(2, 2, kind="against")]).passed
    # abstentions count among the votes cast
    assert not residents(10, 6, [opt(1, 3), opt(2, 2, kind="against"),
                                 opt(3, 1, kind="abstain")]).passed


def test_exact_fractions_not_floats():
    # 2/3 of 3 m² = 2 m² exactly: float arithmetic would be tempted to round.
    result = owners(Matter.use_fund, Totals(3, 3, 300), Totals(2, 2, 200), [opt(1, 2, 200)])
    assert result.participation_met
    assert result.participation_thresholds[0].reached == Fraction(2, 3)


def test_empty_electorate_decides_nothing():
    result = owners(Matter.use_fund, Totals(), Totals(), [opt(1, 0)])
    assert not result.participation_met and not result.passed
