"""Builders for spaces tests: a space of world.compound_a with proposals in
several states, made through the services (so history and audit are real)."""
import io

from PIL import Image

from residentvoice.spaces import discussion, proposals, services

CHECKLIST_OK = {"fire_lanes": "ok", "window_distance": "ok", "electrical_capacity": "ok",
                "accessibility": "ok", "other": "not_applicable", "notes": "符合消防要求"}


def png_bytes(size=(40, 30), color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def space_data(**overrides):
    data = {"name": "1号楼北侧腾退空地", "location": "1号楼北侧", "area_m2": "120.50",
            "origin": "illegal_structure", "description": "拆除违建后空出"}
    data.update(overrides)
    return data


def proposal_data(**overrides):
    data = {"kind": "bike_shed", "title": "建设自行车棚", "description": "可停放60辆自行车",
            "quantity": "60", "estimated_cost": "45000.00", "payer": "renovation_fund"}
    data.update(overrides)
    return data


def make_space(w, **overrides):
    return services.create_space(w.secretary, w.compound_a, space_data(**overrides))


def make_proposal(w, space, status="open", author=None, **overrides):
    """A proposal by ``author`` (default the world's resident) brought to ``status``."""
    author = author or w.resident
    proposal = proposals.create_proposal(author, space, proposal_data(**overrides))
    if status == "draft":
        return proposal
    proposals.submit_proposal(author, proposal)
    if status == "submitted":
        return proposal
    if status == "returned":
        proposals.review_proposal(w.secretary, proposal, "return",
                                  dict(CHECKLIST_OK, fire_lanes="problem",
                                       reason="消防通道被占用"))
        return proposal
    proposals.review_proposal(w.secretary, proposal, "open", CHECKLIST_OK)
    return proposal


def spaces_world(w):
    """Objects the access examples use, built once per world."""
    if getattr(w, "sp_space", None) is not None:
        return w
    w.sp_space = make_space(w)
    w.sp_open = make_proposal(w, w.sp_space, title="充电桩", kind="charging_piles")
    w.sp_for_withdraw = make_proposal(w, w.sp_space, title="花箱", kind="flower_boxes")
    w.sp_draft = make_proposal(w, w.sp_space, status="draft", title="草稿")
    w.sp_draft2 = make_proposal(w, w.sp_space, status="draft", title="草稿二")
    w.sp_submitted = make_proposal(w, w.sp_space, status="submitted", title="待审")
    w.sp_comment = discussion.add_comment(w.resident, w.sp_open, "支持建设")
    w.sp_comment2 = discussion.add_comment(w.resident, w.sp_open, "第二条意见")
    return w
