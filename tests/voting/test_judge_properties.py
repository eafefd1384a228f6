"""Property tests: ``judge`` against a plain Fraction reading of DESIGN §4.

The reference below is written from the design text alone — participation
≥ 2/3 of area AND of headcount (inclusive), matters (6)(7)(8) ≥ 3/4 of the
participating area AND headcount, other owners' matters more than 1/2 of each
(strict), residents a turnout of more than half and more than half of the
votes cast — and small numbers make hypothesis hit the exact boundaries."""
from decimal import Decimal
from fractions import Fraction

from flask_babel import force_locale
from hypothesis import example, given, settings
from hypothesis import strategies as st

from residentvoice.voting.counting import OptionResult, Totals, judge
from residentvoice.voting.models import Basis, Matter

QUALIFIED = {Matter.raise_fund, Matter.rebuild, Matter.common_parts_use}
KINDS = ["agree", "against", "abstain", "choice"]


def share(part, whole):
    return Fraction(part, whole) if whole else None


def reference(basis, matter, electorate, participation, options):
    """(took part enough, {option index: passed}) straight from the design."""
    if basis is Basis.owners:
        area, heads = (share(participation.area_centi, electorate.area_centi),
                       share(participation.headcount, electorate.headcount))
        quorum = (area is not None and heads is not None
                  and area >= Fraction(2, 3) and heads >= Fraction(2, 3))
    else:
        turnout = share(participation.headcount, electorate.headcount)
        quorum = turnout is not None and turnout > Fraction(1, 2)
    passed = {}
    for index, (kind, totals) in enumerate(options):
        if kind not in ("agree", "choice"):
            passed[index] = False
            continue
        if basis is Basis.residents:
            votes = share(totals.headcount, participation.headcount)
            ok = votes is not None and votes > Fraction(1, 2)
        else:
            area = share(totals.area_centi, participation.area_centi)
            heads = share(totals.headcount, participation.headcount)
            if area is None or heads is None:
                ok = False
            elif matter in QUALIFIED:
                ok = area >= Fraction(3, 4) and heads >= Fraction(3, 4)
            else:
                ok = area > Fraction(1, 2) and heads > Fraction(1, 2)
        passed[index] = quorum and ok
    return quorum, passed


BOUNDARIES = (Fraction(1, 2), Fraction(2, 3), Fraction(3, 4))


@st.composite
def part_of(draw, whole):
    """0..whole, half the time at or next to a threshold boundary of ``whole``."""
    if whole and draw(st.booleans()):
        edge = draw(st.sampled_from(BOUNDARIES)) * whole
        near = draw(st.sampled_from([edge.numerator // edge.denominator,
                                     -(-edge.numerator // edge.denominator)]))
        return min(whole, max(0, near + draw(st.sampled_from([0, 0, -1, 1]))))
    return draw(st.integers(0, whole))


@st.composite
def ballots(draw):
    """An electorate, a participation inside it, and options sharing the participation."""
    basis = draw(st.sampled_from([Basis.owners, Basis.residents]))
    matter = (draw(st.sampled_from([m for m in Matter if m is not Matter.consultative]))
              if basis is Basis.owners else Matter.consultative)
    # multiples of 12 put every boundary (1/2, 2/3, 3/4) on a whole number
    heads = draw(st.one_of(st.integers(0, 40), st.integers(1, 4).map(lambda k: 12 * k)))
    area = draw(st.one_of(st.integers(0, 100000), st.integers(1, 999).map(lambda k: 12 * k))
                ) if basis is Basis.owners else 0
    took_heads = draw(part_of(heads))
    took_area = draw(part_of(area))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=4))
    left_heads, left_area, options = took_heads, took_area, []
    for position, kind in enumerate(kinds):
        last = position == len(kinds) - 1
        h = left_heads if last else min(left_heads, draw(part_of(took_heads)))
        a = left_area if last else min(left_area, draw(part_of(took_area)))
        left_heads, left_area = left_heads - h, left_area - a
        options.append((kind, Totals(h, h, a)))
    return (basis, matter, Totals(heads, heads, area), Totals(took_heads, took_heads, took_area),
            options)


def run(basis, matter, electorate, participation, options):
    results = [OptionResult(i, f"o{i}", kind, None, totals, kind in ("agree", "choice"))
               for i, (kind, totals) in enumerate(options)]
    return judge(basis, matter, electorate, participation, results)


def _owners(matter, took_heads, took_area, agree_heads, agree_area):
    """12 owners with 1200 area; the rest of the participation abstains."""
    return (Basis.owners, matter, Totals(12, 12, 1200), Totals(took_heads, took_heads, took_area),
            [("agree", Totals(agree_heads, agree_heads, agree_area)),
             ("abstain", Totals(took_heads - agree_heads, took_heads - agree_heads,
                                took_area - agree_area))])


EXACT = Totals(4, 4, 400)


@settings(max_examples=1000, deadline=None)
@given(ballots())
@example(_owners(Matter.use_fund, 8, 1200, 8, 1200))           # 2/3 headcount exactly
@example(_owners(Matter.use_fund, 12, 800, 12, 800))           # 2/3 area exactly
@example(_owners(Matter.use_fund, 12, 1200, 6, 1200))          # 1/2 headcount exactly
@example(_owners(Matter.use_fund, 12, 1200, 12, 600))          # 1/2 area exactly
@example(_owners(Matter.common_parts_use, 12, 1200, 9, 1200))  # 3/4 headcount exactly
@example(_owners(Matter.raise_fund, 12, 1200, 12, 900))        # 3/4 area exactly
@example((Basis.residents, Matter.consultative, Totals(8, 8, 0), EXACT,
          [("agree", EXACT)]))                                   # turnout 1/2 exactly
@example((Basis.residents, Matter.consultative, Totals(6, 6, 0), EXACT,
          [("agree", Totals(2, 2, 0)), ("against", Totals(2, 2, 0))]))   # a tie
def test_judge_agrees_with_the_fraction_reading_of_the_design(case):
    basis, matter, electorate, participation, options = case
    quorum, passed = reference(*case)
    result = run(*case)
    assert result.participation_met is quorum
    assert {o.id: o.passed for o in result.options} == passed
    assert result.passed is any(passed.values())


@settings(max_examples=300, deadline=None)
@given(ballots())
def test_abstaining_never_helps_an_option_pass(case):
    """Turning an agree vote into an abstention can only take agreement away."""
    basis, matter, electorate, participation, options = case
    before = run(*case)
    for index, (kind, totals) in enumerate(options):
        if kind == "agree" and totals.headcount:
            moved = list(options)
            moved[index] = (kind, Totals(totals.units - 1, totals.headcount - 1,
                                         totals.area_centi))
            moved.append(("abstain", Totals(1, 1, 0)))
            after = run(basis, matter, electorate, participation, moved)
            assert not (after.options[index].passed and not before.options[index].passed)


@settings(max_examples=400, deadline=None)
@given(ballots())
def test_every_figure_shown_agrees_with_its_verdict(case):
    """The percentage in each one-line explanation never contradicts met/not met."""
    result = run(*case)
    thresholds = list(result.participation_thresholds)
    for option in result.options:
        thresholds += option.thresholds
    with force_locale("en"):
        for t in thresholds:
            needed = Decimal(t.required.numerator) * 100 / Decimal(t.required.denominator)
            text = t.text
            if not t.whole:
                assert "—" in text and not t.met
                continue
            shown = Decimal(text.split("Reached ", 1)[1].split("%", 1)[0])
            assert shown == Decimal(t.part * 10000 // t.whole + (
                1 if t.met and t.part * 10000 % t.whole else 0)) / 100
            if t.met:
                assert shown >= needed if t.inclusive else shown > needed
            else:
                assert shown < needed if t.inclusive else shown <= needed
            assert ("not met" in text) is (not t.met)
