"""Percentages: one rounding rule for every page, notice and export (issue 17 §3).

A share is computed exactly, in integers (never through floats, so a page
and its CSV cannot disagree), and shown to a fixed number of places:

- a figure judged against a line — a ballot's threshold — is rounded towards
  its verdict, so a share just short of 3/4 never reads "75.00%" and one
  just over half never reads "50.00%" (``towards``: True up, False down);
- any other figure is rounded to the nearest, halves up.

The result page, its chart, the printed notice and the CSV/XLSX all show a
threshold's figure through ``voting.counting.Threshold.figure``."""
from decimal import Decimal


def scaled(part, whole, places=2, towards=None):
    """``part/whole`` in units of 10**-places percent, as an integer."""
    unit = 100 * 10 ** places
    if towards is True:
        return -(-part * unit // whole)
    if towards is False:
        return part * unit // whole
    return (2 * part * unit + whole) // (2 * whole)


def percent_number(part, whole, places=1, towards=None):
    """The share as a Decimal percentage (``None`` when ``whole`` is 0)."""
    if not whole:
        return None
    return Decimal(scaled(part, whole, places, towards)).scaleb(-places)


def percent_text(part, whole, places=2, towards=None):
    """``94.18%``; ``—`` when there is nothing to divide by."""
    number = percent_number(part, whole, places, towards)
    return "—" if number is None else f"{number}%"
