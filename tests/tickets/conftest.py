import io
from datetime import timedelta

import pytest
from PIL import Image

from residentvoice.models import utcnow
from residentvoice.tickets import services
from residentvoice.tickets.models import Category


@pytest.fixture
def world(factory):
    """The standard world plus a facade rule in compound A to world.organisation
    and a second organisation (with staff) that has nothing to do with it."""
    w = factory.world()
    services.set_rule(w.secretary, w.compound_a, "facade_ac", w.organisation.id)
    w.other_org = factory.organisation([w.compound_a], name="别的施工单位")
    w.other_staff = factory.staff(w.other_org, name="外单位")
    return w


@pytest.fixture
def file_ticket(world):
    def make(category="facade_ac", reporter=None, household=None, public=False, now=None,
             **kwargs):
        reporter = reporter or world.resident
        household = household or world.household_a
        return services.create_ticket(
            reporter, compound_id=household.compound_id, category=category,
            description="空调外机震动", household_id=household.id, public=public,
            now=now or utcnow() - timedelta(minutes=5), **kwargs)
    return make


def png_bytes():
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


__all__ = ["Category", "png_bytes"]
