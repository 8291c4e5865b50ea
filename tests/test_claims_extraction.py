"""Narrative extraction: what each stated figure is read as, on real and varied phrasings."""

from __future__ import annotations

import pytest

from gongkai.rules import audit_all
from gongkai.rules.claims import extract_claims

from audit_factories import make_report, set_cell

JINCHENG_APPLY = (
    "(二)依申请公开方面。坚持依法依规做好政府信息依申请公开工作,全市各级各部门2024年度共新收政府信息公开申请718件,"
    "同比增长59.55%;办理720件(含上年度结转9件),其中自然人申请683件,占比94.86%,法人或其他组织申请37件,占比5.13%,"
    "均在法定期限内予以答复。本年度办理结果中,予以公开226件,占比31.38%;部分公开87件,占比12.08%;不予公开22件,"
    "占比3.05%;因本机关不掌握等原因无法提供362件,占比50.27%;信访举报投诉等不予处理14件,占比1.94%;"
    "逾期未补正等其他处理9件,占比1.25%。政府信息公开类行政复议99件,未经复议直接起诉44件,复议后起诉17件。"
)
JINCHENG_DOCS = (
    "2024年,晋城市人民政府门户网站发布信息1.35万余条、市政府公文105件、行政规范性文件38件,宣布废止市政府公文61件。\n"
    "截至12月31日,全市现行有效规章7件,规范性文件243件。集中更新清理已公开政策文件,"
    "2024年清理废止以晋城市人民政府名义或晋城市人民政府办公室名义发布的文件共61件。\n"
    "2024年晋城市政府门户网站发布政策解读稿件62篇,“市长信箱”受理网民来信1175件,办结1175件,办结率100%。"
)
BOSHAN = (
    "(二)规范依申请公开,保障群众依法获取政府信息权利。针对复杂疑难问题建立会商研判机制,提升办理质量。"
    "2024年全区共收到政府信息公开申请61件,较2023年减少20.8%。作出政府信息公开申请答复62件(含上年结转3件),"
    "其中予以公开40件、部分公开8件、不予公开6件、无法提供8件。结转下年继续办理2件。"
)
JISHAN = (
    "(二)依申请公开。2023年全县各行政机关共收到政府信息公开申请12件,办结12件,申请人均为自然人。\n"
    "(三)政府信息管理。2023年制发规范性文件2件,废止及失效3件,现行有效规范性文件共计19件。"
)
JIYUAN = (
    "2024 年济源市人民政府办公室共受理政府信息公开申请 16 件，其中已答复政府信息公开申请 15 件，转接下年办理 1 件。"
)


def reading(claims, value, kind="count"):
    hits = [c for c in claims if c.kind == kind and c.value == value]
    assert hits, f"no {kind} claim {value}"
    c = hits[0]
    return (
        c.domain,
        c.dims.get("row") or c.dims.get("proceeding") or c.dims.get("measure"),
        (c.dims.get("applicant") or c.dims.get("outcome") or c.dims.get("category")),
    )


def test_jincheng_application_paragraph():
    claims = extract_claims({"一": JINCHENG_APPLY})
    assert reading(claims, 718) == ("t3", "new_received", "total")
    assert reading(claims, 720) == ("t3", "total_processed", "total")
    assert reading(claims, 9)[1] in ("carried_over", "other_*")
    assert reading(claims, 683) == ("t3", "total_processed", "natural_person")
    assert reading(claims, 37) == ("t3", "total_processed", "organization_subtotal")
    assert reading(claims, 22) == ("t3", "denied_*", "total")
    assert reading(claims, 362) == ("t3", "unavailable_*", "total")
    assert reading(claims, 14) == ("t3", "rejected_*", "total")
    assert reading(claims, 99) == ("t4", "administrative_review", "total")
    assert reading(claims, 44) == ("t4", "litigation_direct", "total")
    assert reading(claims, 17) == ("t4", "litigation_after_review", "total")
    shares = [c for c in claims if c.kind == "share"]
    assert [c.value for c in shares] == [94.86, 5.13, 31.38, 12.08, 3.05, 50.27, 1.94, 1.25]
    assert all(c.subject is not None for c in shares)
    assert [c.subject.value for c in shares] == [683, 37, 226, 87, 22, 362, 14, 9]
    yoy = [c for c in claims if c.kind == "yoy"]
    assert len(yoy) == 1 and yoy[0].value == 59.55 and yoy[0].direction == 1 and yoy[0].subject.value == 718


def test_offsets_point_at_the_number_in_the_section_text():
    claims = extract_claims({"一": JINCHENG_APPLY})
    for c in claims:
        num = f"{c.value:g}"
        assert JINCHENG_APPLY[c.offset : c.offset + len(num)] == num
        assert c.section == "一"


def test_documents_not_confused_with_normative_documents():
    claims = extract_claims({"一": JINCHENG_DOCS})
    assert reading(claims, 7) == ("t2", "in_force", "regulation")
    assert reading(claims, 243) == ("t2", "in_force", "normative_document")
    sixty_one = [c for c in claims if c.value == 61]
    assert len(sixty_one) == 2 and all(c.dims.get("category") == "_other_document" for c in sixty_one)
    assert 1175 not in [c.value for c in claims]  # 市长信箱 letters are not 政府信息公开申请


def test_boshan_jishan_jiyuan_phrasings():
    b = extract_claims({"一": BOSHAN})
    assert reading(b, 61)[1] == "new_received"
    assert reading(b, 62)[1] == "total_processed"
    assert reading(b, 2)[1] == "carried_forward"
    assert reading(b, 6)[1] == "denied_*"
    yoy = next(c for c in b if c.kind == "yoy")
    assert (yoy.value, yoy.direction, yoy.ref_year, yoy.subject.value) == (20.8, -1, 2023, 61)
    j = extract_claims({"一": JISHAN})
    assert [reading(j, v)[1] for v in (2, 3, 19)] == ["issued", "repealed", "in_force"]
    assert reading(j, 3)[2] == "normative_document"
    y = extract_claims({"一": JIYUAN})
    assert [reading(y, v)[1] for v in (16, 15, 1)] == ["new_received", "total_processed", "carried_forward"]


@pytest.mark.parametrize(
    ("sentence", "value", "expected"),
    [
        ("本年度共接收政府信息公开申请35件。", 35, ("t3", "new_received", "total")),
        ("全年受理依申请公开申请共计35件。", 35, ("t3", "new_received", "total")),
        ("本机关收到信息公开申请35 件,均已按时答复。", 35, ("t3", "new_received", "total")),
        ("依申请公开方面，全年办结申请40件，结转至2025年继续办理3件。", 3, ("t3", "carried_forward", "total")),
        ("政府信息公开申请中，上年结转申请4件。", 4, ("t3", "carried_over", "total")),
        ("申请办理结果中，予以公开的有12件。", 12, ("t3", "granted", "total")),
        ("申请中，因属于国家秘密不予公开2件。", 2, ("t3", "denied_*", "total")),
        ("申请中，本机关不掌握相关政府信息的5件。", 5, ("t3", "unavailable_not_held", "total")),
        ("收到申请30件，其中商业企业申请4件。", 4, ("t3", "new_received", "commercial_enterprise")),
        ("因政府信息公开被申请行政复议3起。", 3, ("t4", "administrative_review", "total")),
        ("发生政府信息公开行政诉讼5件，其中结果维持4件。", 4, ("t4", "litigation", "upheld")),
        ("因政府信息公开引起的经复议后起诉案件2件。", 2, ("t4", "litigation_after_review", "total")),
        ("全年新制定规章1件，废止规章2件。", 2, ("t2", "repealed", "regulation")),
    ],
)
def test_varied_phrasings(sentence, value, expected):
    assert reading(extract_claims({"一": sentence}), value) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "全年共办理市长热线工单1520件，办结率100%。",
        "共承办人大代表建议81件、政协委员提案157件。",
        "组织培训12次，发布政策解读稿件62篇。",
    ],
)
def test_figures_that_quote_no_table_are_not_claims(sentence):
    assert [c for c in extract_claims({"一": sentence}) if c.kind == "count"] == []


def test_yoy_without_number_and_with_counts():
    c = extract_claims({"五": "二是依申请公开办理质效有待提高,年内因政府信息公开引起的行政复议案件数量较去年上升。"})
    yoy = [x for x in c if x.kind == "yoy"]
    assert len(yoy) == 1 and yoy[0].value is None and yoy[0].direction == 1
    assert yoy[0].subject.dims["proceeding"] == "administrative_review"
    c = extract_claims({"一": "全年收到政府信息公开申请50件，比上年增加5件。"})
    yoy = next(x for x in c if x.kind == "yoy")
    assert (yoy.value, yoy.unit, yoy.direction) == (5, "件", 1)
    assert [x.value for x in c if x.kind == "count"] == [50]


def _report_with(sentence_fn, seed=11):
    report = make_report(seed=seed)
    t3 = report.table3.set_index(["row", "applicant"])["value"]
    report.sections = {"一": sentence_fn(t3)}
    return report


def test_matching_statuses_match_mismatch_unmatched():
    report = _report_with(
        lambda t3: (
            f"本年共收到政府信息公开申请{int(t3['new_received', 'total'])}件,"
            f"办结{int(t3['total_processed', 'total']) + 1}件。"
            f"其中予以公开{int(t3['granted', 'total'])}件,商业企业申请999件。"
        )
    )
    claims = audit_all([report]).claims.set_index("offset")
    statuses = list(claims["status"])
    assert statuses == ["match", "mismatch", "match", "unmatched"]
    f = audit_all([report]).findings
    bad = f[f["rule"] == "claim.count"]
    assert len(bad) == 1 and bad.iloc[0]["row"] == "total_processed" and bad.iloc[0]["difference"] == 1


def test_received_including_carry_over_is_an_accepted_reading():
    report = _report_with(
        lambda t3: f"共收到政府信息公开申请{int(t3['new_received', 'total'] + t3['carried_over', 'total'])}件。",
        seed=12,
    )
    claims = audit_all([report]).claims
    assert list(claims["status"]) == ["match"]
    assert claims.iloc[0]["matched_row"] == "new_received+carried_over"


def test_claim_on_blank_cell_is_not_assessable_never_zero():
    report = _report_with(lambda t3: "本年共收到政府信息公开申请0件。", seed=13)
    set_cell(report, 3, "new_received", "total", None, status="blank")
    # with a part blank too, the total cannot be derived from its parts (issue 9: a blank total whose parts
    # are all numbers is compared as their sum; see test_claims_real_reports)
    set_cell(report, 3, "new_received", "natural_person", None, status="blank")
    result = audit_all([report])
    assert list(result.claims["status"]) == ["unmatched"]
    na = result.findings[result.findings["rule"] == "claim.count"]
    assert list(na["status"]) == ["not_assessable"]


def test_share_rounded_truncated_and_wrong():
    report = make_report(seed=14)
    for row, v in (("granted", 1), ("partially_granted", 2), ("total_processed", 3)):
        set_cell(report, 3, row, "total", v)
    # tables now inconsistent on purpose; only the claims matter here
    report.sections = {
        "一": "本年办理申请3件。其中予以公开1件,占比33.33%;部分公开2件,占比66.66%。申请中予以公开1件,占比40%。"
    }
    result = audit_all([report])
    shares = result.claims[result.claims["kind"] == "share"]
    assert list(shares["status"]) == ["match", "match", "mismatch"]
    f = result.findings
    assert list(f[f["rule"] == "claim.pct_truncated"]["actual"]) == [66.66]
    assert list(f[f["rule"] == "claim.share"]["actual"]) == [40.0]
