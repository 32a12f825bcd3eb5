"""Actor knowledge base and in-article actor resolution.

The sentences here are written for these tests; the gold-gated tests read ../shared at run time only.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

from marsad.arabic import normalize, normalize_with_map, sentences
from marsad.entities.kb import ActorKB
from marsad.entities.resolve import EntityStep, resolve_article, resolve_text
from marsad.model import Article, Mention, Span


@pytest.fixture(scope="module")
def kb() -> ActorKB:
    return ActorKB.load()


def _find(ms: list[Mention], surface: str) -> Mention:
    hits = [m for m in ms if m.text == surface]
    assert hits, f"no mention {surface!r} in {[m.text for m in ms]}"
    return hits[0]


def _ids(ms: list[Mention]) -> list[str | None]:
    return [m.entity.id if m.entity else None for m in ms]


# ------------------------------------------------------------------------------------------------ knowledge base
def test_kb_counts_and_versions(kb: ActorKB) -> None:
    st = kb.stats()
    assert st["persons"] > 400 and st["countries"] > 240 and st["organizations"] > 50
    assert all(v != "?" for v in kb.versions.values())


def test_packaged_data_is_consistent(kb: ActorKB) -> None:
    """Ids unique across files, dates ordered, countries known, and no office held by two people at once."""
    import yaml

    from marsad.settings import data_path

    seen: dict[str, str] = {}
    for f in sorted(data_path("actors").glob("persons*.yaml")):
        for p in yaml.safe_load(f.read_text(encoding="utf-8"))["persons"]:
            assert p["id"] not in seen, f"{p['id']} in {f.name} and {seen.get(p['id'])}"
            seen[p["id"]] = f.name
    problems = []
    for a in kb.actors.values():
        if a.country and a.country not in kb.countries:
            problems.append(f"{a.id}: unknown country {a.country}")
        for o in a.offices:
            if o.start and o.end and o.start > o.end:
                problems.append(f"{a.id}: {o.role} ends before it starts")
    for (of, role), held in kb._holders.items():
        held = sorted(held, key=lambda oa: oa[0].start or "")
        for (o1, a1), (o2, a2) in zip(held, held[1:], strict=False):
            shared = "concurrent" in (o1.note or "") + (o2.note or "")  # e.g. the UAE's two vice presidents
            if a1.id != a2.id and not shared and (o1.end is None or (o2.start and o2.start < o1.end)):
                problems.append(f"{of} {role}: {a1.id} and {a2.id} overlap")
    assert not problems, "\n".join(problems)


def test_holder_by_date(kb: ActorKB) -> None:
    assert kb.holder("USA", "president", "2017-06-01").id == "trump_donald"
    assert kb.holder("USA", "president", "2015-06-01").id == "obama_barack"
    assert kb.holder("USA", "president", "2022-06-01").id == "biden_joe"
    assert kb.holder("USA", "president", "2025-06-01").id == "trump_donald"
    assert kb.holder("RUS", "president", "2010-01-01").id == "medvedev_dmitry"
    assert kb.holder("RUS", "prime_minister", "2010-01-01").id == "putin_vladimir"
    assert kb.holder("SYR", "president", "2017-11-22").id == "assad_bashar"
    assert kb.holder("SYR", "president", "2025-06-01").id == "sharaa_ahmed"
    assert kb.holder("un", "secretary_general", "2010-01-01").id == "ban_ki_moon"
    assert kb.holder("arab_league", "secretary_general", "2020-01-01").id == "aboul_gheit_ahmed"
    assert kb.holder("IRN", "foreign_minister", "2016-01-01").id == "zarif_mohammad_javad"
    assert kb.holder("USA", "president", None) is None
    assert kb.holder("OMN", "king", "2021-01-01").id == "haitham_bin_tariq"  # "العاهل العماني"
    assert kb.holder("SYR", "president", "2025-01-10").id == "sharaa_ahmed"  # de facto head of state
    assert kb.holder("SAU", "prime_minister", "2018-01-01").id == "salman_bin_abdulaziz"


def test_lookups(kb: ActorKB) -> None:
    assert kb.country("syr").name == "Syria"
    for adj in ("السوري", "السورية", "السوريين", "السوريون", "سوري", "سورية"):
        assert kb.nationality(adj).iso3 == "SYR", adj
    assert kb.nationality("الأميركي").iso3 == "USA" and kb.nationality("الأمريكية").iso3 == "USA"
    assert kb.nationality("الكورية الجنوبية").iso3 == "KOR"
    for word, iso in (("موسكو", "RUS"), ("أنقرة", "TUR"), ("واشنطن", "USA"), ("دمشق", "SYR"), ("طهران", "IRN"),
                      ("الرياض", "SAU"), ("الكرملين", "RUS"), ("البيت الأبيض", "USA"), ("الإليزيه", "FRA"),
                      ("قصر الاتحادية", "EGY")):
        assert kb.capital(word).iso3 == iso, word
    assert kb.find_country("سورية").iso3 == "SYR" and kb.find_country("سوريا").iso3 == "SYR"


def test_match_clitics_and_spellings(kb: ActorKB) -> None:
    text = "شكر لبوتين وأردوغان وإردوغان بالرئيس ترمب فيما التقى طيب رجب أردوغان وعبدالفتاح السيسي"
    ms = kb.match(text)
    ids = [m.attrs["kb"][0] for m in ms]
    assert ids.count("putin_vladimir") == 1 and ids.count("erdogan_recep_tayyip") == 3
    assert "sisi_abdel_fattah" in ids and "trump_donald" in ids and "president" in ids
    assert [m.attrs["kb"] for m in kb.match("وقال بصفته كوزير الخارجية إن كلامي واضح")] == [["foreign_minister"]]
    assert kb.match("عاد إلى مسقط رأسه") == [] and kb.match("وصل إلى مسقط")[0].attrs["kb"] == ["OMN"]
    assert kb.match("في العاصمة الأردنية عمان")[0].attrs["kb"] == ["JOR"]


@pytest.mark.parametrize("text,actor_id", [
    ("أكد إيمانويل ماكرون", "macron_emmanuel"), ("أكد ايمانويل ماكرون", "macron_emmanuel"),
    ("قال فلاديمير بوتين", "putin_vladimir"), ("قال دونالد ترمب", "trump_donald"),
    ("استقبل الرئيس عبد الفتاح السيسي", "sisi_abdel_fattah"), ("استقبل محمد بن سلمان", "mohammed_bin_salman"),
    ("واستقبل بن سلمان", "mohammed_bin_salman"), ("قال الرئيس عبد المجيد تبون", "tebboune_abdelmadjid"),
    ("صرح تبون", "tebboune_abdelmadjid"), ("التقى رجب طيب إردوغان", "erdogan_recep_tayyip"),
    ("التقى اردوغان", "erdogan_recep_tayyip"), ("زار العاهل الأردني الملك عبدالله الثاني", "abdullah_ii"),
    ("بحث أمير قطر الشيخ تميم بن حمد آل ثاني", "tamim_bin_hamad"),
    ("قال ولي العهد السعودي الأمير محمد بن سلمان", "mohammed_bin_salman"),
    ("وجه خادم الحرمين الشريفين الملك سلمان بن عبد العزيز", "salman_bin_abdulaziz"),
    ("قال الأمين العام للأمم المتحدة أنطونيو غوتيريش", "guterres_antonio"),
    ("أعلن رئيس الوزراء الهندي ناريندرا مودي", "modi_narendra"),
    ("قال الرئيس الأوكراني فولوديمير زيلينسكي", "zelensky_volodymyr"),
    ("وصل الرئيس الكازاخستاني قاسم جومارت توكاييف", "tokayev_kassym_jomart"),
])
def test_spellings_resolve(kb: ActorKB, text: str, actor_id: str) -> None:
    ms = [m for m in resolve_text(text, kb, "2023-05-01") if m.label == "PERS"]
    assert ms and ms[-1].entity.id == actor_id, [(m.text, m.entity) for m in ms]
    assert ms[-1].end == len(text)  # the mention runs to the end of the name


# ------------------------------------------------------------------------------------------------ resolution
def test_title_nationality_name_is_one_mention(kb: ActorKB) -> None:
    text = "استقبل الرئيس الروسي فلاديمير بوتين في الكرملين ضيفه القادم من دمشق."
    ms = resolve_text(text, kb, "2019-03-01")
    m = _find(ms, "الرئيس الروسي فلاديمير بوتين")
    e = m.entity
    assert (e.name, e.id, e.role, e.country, e.kind) == ("Vladimir Putin", "putin_vladimir", "president", "RUS",
                                                         "person")
    assert e.text == m.text and e.name_ar == "فلاديمير بوتين"
    assert _find(ms, "الكرملين").attrs["metonym"] is False  # a place after في


def test_short_mentions_corefer(kb: ActorKB) -> None:
    text = ("أجرى الرئيس السوري بشار الأسد محادثات في العاصمة. وقال الأسد إن الحل سياسي. "
            "وأضاف الرئيس السوري أن بلاده مستعدة للحوار.")
    ms = resolve_text(text, kb, None)  # no date: the earlier name still resolves the title
    assert _find(ms, "الأسد").entity.id == "assad_bashar"
    m = _find(ms, "الرئيس السوري")
    assert m.entity.id == "assad_bashar" and m.entity.role == "president"


def test_office_holder_by_article_date(kb: ActorKB) -> None:
    text = "وقال الرئيس الأمريكي إن بلاده ستدرس العرض."
    assert _find(resolve_text(text, kb, "2017-05-02"), "الرئيس الأمريكي").entity.id == "trump_donald"
    assert _find(resolve_text(text, kb, "2015-05-02"), "الرئيس الأمريكي").entity.id == "obama_barack"
    e = _find(resolve_text(text, kb, None), "الرئيس الأمريكي").entity  # no date: role + country only
    assert e.id is None and e.role == "president" and e.country == "USA" and e.name == "الرئيس الأمريكي"
    alt = "أعلن الرئيس الأميركي أمس"
    assert _find(resolve_text(alt, kb, "2010-07-01"), "الرئيس الأميركي").entity.id == "obama_barack"


def test_former_holders_are_not_todays(kb: ActorKB) -> None:
    ms = resolve_text("ورفعوا صور الرئيس العراقي السابق في الساحة.", kb, "2016-05-01")
    e = _find(ms, "الرئيس العراقي السابق").entity
    assert e.id is None and e.role == "president" and e.country == "IRQ"
    ms = resolve_text("دفع ذلك العاهل الأردني الراحل الملك حسين إلى الرد.", kb, "2016-05-01")
    assert _find(ms, "العاهل الأردني الراحل الملك حسين").entity.id == "hussein_bin_talal"


def test_counterpart_same_office(kb: ActorKB) -> None:
    text = "بحث الرئيس الفرنسي إيمانويل ماكرون هاتفيا مع نظيره المصري الوضع في غزة."
    m = _find(resolve_text(text, kb, "2023-10-20"), "نظيره المصري")
    assert m.entity.id == "sisi_abdel_fattah" and m.entity.role == "president"
    text = "التقى وزير الخارجية السعودي فيصل بن فرحان نظيره الإيراني في بكين."
    m = _find(resolve_text(text, kb, "2023-04-06"), "نظيره الإيراني")
    assert m.entity.id == "amir_abdollahian_hossein" and m.entity.role == "foreign_minister"


def test_counterparts_named_and_joined(kb: ActorKB) -> None:
    text = "يلتقي الرئيس الروسي ونظيريه الإيراني حسن روحاني والتركي طيب رجب أردوغان في سوتشي."
    ms = resolve_text(text, kb, "2019-02-14")
    assert _find(ms, "الرئيس الروسي").entity.id == "putin_vladimir"
    assert _find(ms, "نظيريه الإيراني حسن روحاني").entity.id == "rouhani_hassan"
    m = _find(ms, "التركي طيب رجب أردوغان")
    assert m.entity.id == "erdogan_recep_tayyip" and m.entity.role == "president"
    text = "اتصل رئيس الوزراء البريطاني بنظيره الكندي."
    ms = resolve_text(text, kb, "2018-01-10")
    assert _ids(ms) == ["may_theresa", "trudeau_justin"]


def test_office_before_name_and_bare_titles(kb: ActorKB) -> None:
    # a headline names the office, the body the person; no date
    text = "أمير قطر يستقبل ضيفه. واستقبل أمير قطر الشيخ تميم بن حمد آل ثاني الوفد. وقال أمير البلاد إن اللقاء مثمر."
    ms = resolve_text(text, kb, None)
    assert [m.entity.id for m in ms if m.label == "PERS"] == ["tamim_bin_hamad"] * 3
    # a title after the name is part of its mention
    m = _find(resolve_text("التقى أيمن الصفدي، وزير الخارجية، الوفد", kb, None), "أيمن الصفدي، وزير الخارجية")
    assert m.entity.id == "safadi_ayman" and m.entity.role == "foreign_minister"
    # two foreign ministers in the article: a bare "وزير الخارجية" is left alone
    text = ("بحث وزير الخارجية الأردني أيمن الصفدي مع وزير الخارجية المصري سامح شكري الأزمة. "
            "وقال وزير الخارجية إن الحل سياسي.")
    ms = resolve_text(text, kb, "2020-01-01")
    assert not any(m.text == "وزير الخارجية" for m in ms)
    # a long title tail before a comma and the name
    text = "ووقع وزير الشؤون الخارجية والتعاون الأفريقي والمغاربة المقيمين في الخارج، ناصر بوريطة، الاتفاق"
    m = [m for m in resolve_text(text, kb, None) if m.label == "PERS"][0]
    assert m.entity.id == "bourita_nasser" and m.text.endswith("ناصر بوريطة")
    # a counterpart after a bare title takes its office
    m = _find(resolve_text("وزير الخارجية يبحث مع نظيره المغربي ناصر بوريطة التعاون", kb, None),
              "نظيره المغربي ناصر بوريطة")
    assert m.entity.role == "foreign_minister"


def test_plurals_stay_unresolved(kb: ActorKB) -> None:
    ms = resolve_text("وعقد الرئيسان قمة مغلقة، ثم اتفق الجانبان على متابعة الحوار.", kb, "2020-01-01")
    assert [m.text for m in ms] == ["الرئيسان", "الجانبان"]
    assert all(m.entity is None and m.attrs.get("plural") for m in ms)


def test_metonyms_act_places_do_not(kb: ActorKB) -> None:
    ms = resolve_text("وقال إن موسكو اتفقت مع أنقرة على تسوية، وأعلن البيت الأبيض ترحيبه.", kb, "2018-01-01")
    for surface, iso in (("موسكو", "RUS"), ("أنقرة", "TUR"), ("البيت الأبيض", "USA")):
        m = _find(ms, surface)
        assert m.entity.kind == "country" and m.entity.country == iso and m.attrs["metonym"] is True
    ms = resolve_text("وصل الوزير في زيارة إلى موسكو ثم توجه بعدها إلى طهران.", kb, "2018-01-01")
    for surface in ("موسكو", "طهران"):
        m = _find(ms, surface)
        assert m.attrs["metonym"] is False and m.label == "LOC" and m.attrs["place"]["country"]


def test_countries_orgs_groups(kb: ActorKB) -> None:
    text = ("ودعت روسيا وسورية والأمم المتحدة وحلف الناتو وتنظيم داعش وقسد والحوثيين والمعارضة السورية "
            "الشعب السوري إلى الحوار مع المتشددين الإسلاميين، فيما رحبت الحكومة العراقية.")
    ms = resolve_text(text, kb, "2019-01-01")
    assert _find(ms, "روسيا").entity.to_dict() == {"text": "روسيا", "name": "Russia", "name_ar": "روسيا",
                                                   "kind": "country", "country": "RUS", "id": "RUS", "role": None}
    assert _find(ms, "وسورية".removeprefix("و")).entity.country == "SYR"
    for surface, eid, kind in (("الأمم المتحدة", "un", "organization"), ("حلف الناتو", "nato", "organization"),
                               ("تنظيم داعش", "isis", "group"), ("قسد", "sdf", "group"),
                               ("الحوثيين", "houthis", "group"), ("المعارضة السورية", "syrian_opposition", "group")):
        e = _find(ms, surface).entity
        assert (e.id, e.kind) == (eid, kind), surface
    g = _find(ms, "الشعب السوري").entity
    assert (g.kind, g.country, g.id) == ("group", "SYR", None)
    assert _find(ms, "المتشددين الإسلاميين").entity.kind == "group"
    gov = _find(ms, "الحكومة العراقية")
    assert gov.entity.kind == "country" and gov.entity.country == "IRQ" and gov.attrs["government"]


def test_unknown_minister_keeps_role_and_country(kb: ActorKB) -> None:
    # a made-up minister: not in the KB, found by the title heuristic when no NER is given
    text = "وقال وزير الخارجية الأردني سامر خليل النمري إن المحادثات مثمرة."
    m = _find(resolve_text(text, kb, "2030-01-01"), "وزير الخارجية الأردني سامر خليل النمري")
    e = m.entity
    assert (e.kind, e.role, e.country, e.id) == ("person", "foreign_minister", "JOR", None)
    assert e.name == normalize("سامر خليل النمري")
    m = _find(resolve_text("التقى وزير خارجية مملكة إسبانيا في مدريد", kb, None), "وزير خارجية مملكة إسبانيا")
    assert m.entity.role == "foreign_minister" and m.entity.country == "ESP" and m.entity.id is None


class _FakeNER:
    """The NER interface (``spans(text, start, end)``): marks one known name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def spans(self, text: str, start: int, end: int) -> list[Span]:
        i = text.find(self.name, start, end)
        return [Span(i, i + len(self.name), "PERS", self.name)] if i >= 0 else []


def test_ner_names_and_step(kb: ActorKB) -> None:
    text = "واستقبل رئيس الوزراء التشادي موديبو كيتا وفدا، ثم التقى الرئيس عبد الفتاح السيسي."
    art = Article(id="a", source_path="/x", text=text, published="2016-03-01")
    ms = resolve_article(art, kb, ner=_FakeNER("موديبو كيتا"))
    m = _find(ms, "رئيس الوزراء التشادي موديبو كيتا")
    assert (m.entity.name, m.entity.role, m.entity.country, m.source) == (normalize("موديبو كيتا"), "prime_minister",
                                                                           "TCD", "ner")
    assert _find(ms, "الرئيس عبد الفتاح السيسي").entity.id == "sisi_abdel_fattah"
    step = EntityStep(kb=kb)
    out = list(step([Article(id="b", source_path="/y", text=text, published="2016-03-01")]))
    assert out[0].sentences and any(m.entity and m.entity.id == "sisi_abdel_fattah" for m in out[0].mentions)
    assert step.stats.counters["resolved"] >= 1


def test_weak_surname_needs_full_name_first(kb: ActorKB) -> None:
    assert not any(m.entity and m.entity.id == "abe_shinzo" for m in resolve_text("قال ابي إن الطقس جميل", kb))
    ms = resolve_text("زار رئيس الوزراء الياباني شينزو آبي طوكيو. وقال آبي إن الزيارة ناجحة.", kb, "2016-12-16")
    assert [m.entity.id for m in ms if m.label == "PERS"] == ["abe_shinzo", "abe_shinzo"]


# ------------------------------------------------------------------------------------------------ user actor files
def test_user_yaml_and_csv_extend_the_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    y = tmp_path / "mine.yaml"
    y.write_text(
        "version: user-1\n"
        "persons:\n"
        "  - {id: nimri_samer, name: Samer Nimri, country: JOR, ar: [سامر خليل النمري], short: [النمري],\n"
        "     offices: [[foreign_minister, 2029-01-01, null]]}\n"
        "  - {id: putin_vladimir, ar: [فلاديمير فلاديميروفيتش]}\n", encoding="utf-8")
    c = tmp_path / "mine.csv"
    c.write_text("id,name,name_ar,variants,kind,country,role,start,end\n"
                 "zahrani_ola,Ola Zahrani,علا الزهراني,الزهراني|علا عبد الله الزهراني,person,SAU,defence_minister,2031,\n"
                 "green_front,Green Front,الجبهة الخضراء,,group,SDN,,,\n", encoding="utf-8")
    kb2 = ActorKB.load([str(y), str(c)])
    assert kb2.versions["mine.yaml"] == "user-1"
    assert kb2.holder("JOR", "foreign_minister", "2030-01-01").id == "nimri_samer"
    assert kb2.holder("SAU", "defence_minister", "2031-06-01").id == "zahrani_ola"
    ms = resolve_text("التقى النمري والزهراني ممثلين عن الجبهة الخضراء وفلاديمير فلاديميروفيتش", kb2, "2031-06-01")
    assert _ids(ms) == ["nimri_samer", "zahrani_ola", "green_front", "putin_vladimir"]
    assert kb2.actor("putin_vladimir").name == "Vladimir Putin"  # extended, not replaced
    assert ActorKB.load().actor("nimri_samer") is None  # the packaged KB is untouched
    monkeypatch.setenv("MARSAD_ACTORS", str(c))
    assert ActorKB.load().actor("zahrani_ola") is not None


# ------------------------------------------------------------------------------------------------ gold participants
def _score_module(shared: Path) -> Any:
    spec = importlib.util.spec_from_file_location("marsad_shared_score", shared / "tools" / "score.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _locate(page: str, evidence: str) -> tuple[int, int] | None:
    i = page.find(evidence)
    if i >= 0:
        return i, i + len(evidence)
    norm, where = normalize_with_map(page)
    ne = normalize(evidence)
    i = norm.find(ne)
    if i < 0:
        return None
    return where[i], where[i + len(ne) - 1] + 1


def participant_rate(kb: ActorKB, shared: Path, gold_file: Path, page_dir: Path, pages_jsonl: Path | None = None
                     ) -> tuple[int, int, list[str]]:
    """For each gold event: resolve the page text around its evidence (6000 characters before, 1500 after, the
    gold publication date as the article date) and check that every participant group matches a mention in the
    evidence sentence or the sentences either side, by score.py's own entity_matches."""
    score = _score_module(shared)
    by_url: dict[str, str] = {}
    if pages_jsonl and pages_jsonl.exists():
        for line in pages_jsonl.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                by_url[rec["url"]] = rec["text"]
    hit = total = 0
    misses: list[str] = []
    for line in gold_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        doc = json.loads(line)
        path = page_dir / doc["doc"]
        page = path.read_text(encoding="utf-8") if path.exists() else by_url.get(doc.get("url") or "", "")
        for ev in doc["events"]:
            groups = list(ev.get("actors") or []) + list(ev.get("recipients") or [])
            total += len(groups)
            loc = _locate(page, ev["evidence"])
            if loc is None:
                misses += [f"{doc['doc']}: evidence not found: {ev['evidence'][:50]}"] * len(groups)
                continue
            w0, w1 = max(0, loc[0] - 6000), min(len(page), loc[1] + 1500)
            window = page[w0:w1]
            mentions = resolve_text(window, kb, doc.get("published"))
            sents = sentences(window)
            k = next((n for n, (s, e) in enumerate(sents) if s <= loc[0] - w0 < e), 0)
            k2 = next((n for n, (s, e) in enumerate(sents) if s < loc[1] - w0 <= e), k)
            lo, hi = sents[max(0, k - 1)][0], sents[min(len(sents) - 1, k2 + 1)][1]
            near = [m.entity.to_dict() for m in mentions if m.entity and m.start < hi and m.end > lo]
            for g in groups:
                if any(score.entity_matches(e, g) for e in near):
                    hit += 1
                else:
                    misses.append(f"{doc['doc']}: {g[0]} | {ev['evidence'][:60]}")
    return hit, total, misses


@pytest.mark.shared
def test_seed_gold_participants_resolve(shared_dir: Path, kb: ActorKB) -> None:
    hit, total, misses = participant_rate(kb, shared_dir, shared_dir / "seeds" / "gold.jsonl", shared_dir / "seeds")
    print(f"\nseeds: {hit}/{total} gold participants resolved")
    assert hit == total, "\n".join(misses)


@pytest.mark.shared
def test_news_dev_participant_rate(shared_dir: Path, kb: ActorKB) -> None:
    dev = shared_dir / "data" / "news_dev"
    hit, total, misses = participant_rate(kb, shared_dir, dev / "gold.jsonl", dev / "txt", dev / "pages.jsonl")
    print(f"\nnews_dev: {hit}/{total} gold participants resolved ({hit / total:.3f})")
    for m in misses:
        print("  miss", m)
    assert total > 0


# ------------------------------------------------------------------------------------- held-out phenomena (eval/heldout)
class _FakeNer:
    """NER stand-in: the given surface strings are PERS names (keeps these tests fast and model-independent)."""

    def __init__(self, *names: str) -> None:
        self.names = names

    def spans(self, text: str, start: int, end: int) -> list[Span]:
        out = []
        for n in self.names:
            k = text.find(n, start, end)
            while k >= 0:
                out.append(Span(k, k + len(n), "PERS"))
                k = text.find(n, k + 1, end)
        return out


def test_surname_after_full_name_is_that_person(kb: ActorKB) -> None:
    t = ("التقى الرئيس اللبناني جوزيف عون، أمس، وزير الخارجية العراقي فؤاد حسين. وإن الرئيس عون شدد على السيادة. "
         "وقال حسين إن البلدين متفقان.")
    ms = resolve_text(t, kb, "2025-07-08", ner=_FakeNer("عون شدد", "حسين إن"))
    assert _find(ms, "الرئيس عون").entity.id == "aoun_joseph"  # the NER span's trailing verb is left out
    assert _find(ms, "حسين").entity.id == "hussein_fuad"


def test_official_of_a_nationality_refers_back(kb: ActorKB) -> None:
    t = ("استقبل أحمد عطاف، أمس، وزير الخارجية التونسي محمد علي النفطي. كما استقبل رئيس الجمهورية عبد المجيد تبون "
         "المسؤول التونسي الذي سلمه رسالة. واستقبل الوزير التركي.")
    ms = resolve_text(t, kb, "2025-06-02")
    assert _find(ms, "المسؤول التونسي").entity.id == "nafti_mohamed_ali"
    assert not any(m.text == "الوزير التركي" for m in ms)  # no Turkish person named before: stays an adjective


def test_coordinated_portfolio_words_stay_in_the_title(kb: ActorKB) -> None:
    t = ("أجرى بوريطة مباحثات مع وزير الشؤون الخارجية والاتحاد الأوروبي والتعاون الإسباني، السيد خوسيه مانويل "
         "ألباريس، في الرباط.")
    ms = resolve_text(t, kb, "2025-04-14")
    assert "eu" not in _ids(ms) and not any(m.entity and m.entity.name == "European Union" for m in ms)
    assert any(m.entity and m.entity.name == "José Manuel Albares" and m.text.startswith("وزير") for m in ms)


def test_agency_codes_are_not_actors(kb: ActorKB) -> None:
    t = "الكويت - 4 - 11 (كونا) -- استقبل أمير البلاد الشيخ مشعل الأحمد الجابر الصباح وزير الخارجية المصري."
    ms = resolve_text(t, kb, "2025-11-04", ner=_FakeNer("كونا"))
    assert not any(m.text == "كونا" for m in ms)


def test_title_variant_overlapping_the_full_name_is_one_mention(kb: ActorKB) -> None:
    t = "استقبل صاحب الجلالة السلطان هيثم بن طارق المعظم اليوم الرئيس اللبناني."
    ms = resolve_text(t, kb, "2025-09-15")
    m = next(m for m in ms if m.entity and m.entity.id == "haitham_bin_tariq")
    assert m.text.endswith("هيثم بن طارق المعظم")  # the full name, and the epithet after it


def test_verb_that_folds_to_a_weak_surname_is_not_a_person(kb: ActorKB) -> None:
    ms = resolve_text("وترأس الجانبان أشغال الدورة التاسعة للجنة العليا المشتركة.", kb, "2025-11-27")
    assert "truss_liz" not in _ids(ms)


def test_maghreb_prime_minister_title(kb: ActorKB) -> None:
    ms = resolve_text("استقبل رئيس الحكومة عزيز أخنوش الوزير الأول الموريتاني المختار ولد اجاي.", kb, "2025-11-27")
    assert _find(ms, "الوزير الأول الموريتاني المختار ولد اجاي").entity.id == "ould_djay_mokhtar"


def test_unknown_names_are_display_friendly(kb: ActorKB) -> None:
    ms = resolve_text("التقى الرئيسُ اللبنانيُّ المبعوثَ أمس.", kb, None)
    m = next(m for m in ms if m.entity and m.entity.kind == "person")
    assert m.entity.name == "الرئيس اللبناني"  # hamza and ta marbuta kept, diacritics gone
    ms = resolve_text("وقال إبراهيم الشاطئ إن الاتفاق تأخر.", kb, None, ner=_FakeNer("إبراهيم الشاطئ"))
    assert _find(ms, "إبراهيم الشاطئ").entity.name == "إبراهيم الشاطئ"


def test_kb_uses_the_shared_tokenizer() -> None:
    from marsad.arabic import tokens as shared_tokens
    from marsad.entities import kb as kbmod

    assert kbmod.tokens is shared_tokens


def test_amman_or_oman(kb: ActorKB) -> None:
    m = _find(resolve_text("وقال الشيباني قبل أن يغادر إلى عمّان إن الزيارة ناجحة.", kb, "2025-04-15"), "عمّان")
    assert m.entity.country == "JOR" and m.attrs["place"]["name"] == "Amman"  # the shadda says Amman
    ms = resolve_text("وكان الوزير قد زار عمان والتقى وزير الخارجية الأردني.", kb, "2025-04-15")
    assert _find(ms, "عمان").entity.country == "JOR"  # Jordan named, Oman not
    assert _find(resolve_text("وصل الوزير إلى عمان في زيارة.", kb, None), "عمان").entity.country == "OMN"


def test_minister_of_state_with_a_ta_marbuta_given_name(kb: ActorKB) -> None:
    ms = resolve_text("وكان الوزير قد التقى، الأحد، وزير الدولة الإماراتي خليفة شاهين المرر.", kb, "2025-11-03")
    e = _find(ms, "وزير الدولة الإماراتي خليفة شاهين المرر").entity
    assert e.name == "خليفة شاهين المرر" and e.country == "ARE" and e.role == "minister_of_state"


def test_lebanese_spelling_and_military_rank(kb: ActorKB) -> None:
    ms = resolve_text("استقبل رئيس الجمهورية العماد جوزاف عون في قصر بعبدا الوزير.", kb, "2025-12-02")
    assert _find(ms, "رئيس الجمهورية العماد جوزاف عون").entity.id == "aoun_joseph"


def test_foreign_names_in_another_transliteration(kb: ActorKB) -> None:
    t = "استقبل المستشار الألماني الرئيس الأوكراني فولوديمير زيلنسكي. وقال مسعود بيزشكيان إن الاتفاق مهم."
    ms = resolve_text(t, kb, "2025-05-28", ner=_FakeNer("فولوديمير زيلنسكي", "مسعود بيزشكيان"))
    assert _find(ms, "الرئيس الأوكراني فولوديمير زيلنسكي").entity.id == kb.by_skeleton("زيلينسكي").id
    assert _find(ms, "مسعود بيزشكيان").entity.id == "pezeshkian_masoud"
    # Arab names have one spelling: an unknown "علي حسن" is not matched loosely to anybody
    ms = resolve_text("وقال علي حسن إن الاتفاق مهم.", kb, "2025-05-28", ner=_FakeNer("علي حسن"))
    assert _find(ms, "علي حسن").entity.id is None


def test_ruler_epithets_and_hadra_belong_to_the_mention(kb: ActorKB) -> None:
    ms = resolve_text("استقبل حضرة صاحب الجلالة السلطان هيثم بن طارق المعظم اليوم الرئيس اللبناني.", kb, "2025-09-15")
    assert _find(ms, "حضرة صاحب الجلالة السلطان هيثم بن طارق المعظم").entity.id == "haitham_bin_tariq"


@pytest.mark.parametrize("text,surface,actor_id", [
    ("الرباط - هنأ جلالة الملك رئيس جمهورية السنغال بمناسبة عيد استقلال بلاده.", "جلالة الملك", "mohammed_vi"),
    ("الكويت - 4 - 11 (كونا) -- استقبل سمو أمير البلاد في قصر بيان اليوم وزير الخارجية المصري.", "سمو أمير البلاد",
     "mishal_al_ahmad"),
    ("عمان 12 آب (بترا)- تلقى جلالة الملك اتصالا هاتفيا من الرئيس الفرنسي.", "جلالة الملك", "abdullah_ii"),
    ("الجزائر - استقبل رئيس الجمهورية اليوم وزير الخارجية الإيطالي.", "رئيس الجمهورية", "tebboune_abdelmadjid"),
])
def test_unnamed_head_of_the_datelines_country(kb: ActorKB, text: str, surface: str, actor_id: str) -> None:
    assert _find(resolve_text(text, kb, "2025-11-04"), surface).entity.id == actor_id


def test_bare_president_is_not_guessed_from_the_dateline(kb: ActorKB) -> None:
    assert not any(m.text == "الرئيس" and m.entity for m in resolve_text("موسكو - قال الرئيس إن بلاده مستعدة.", kb,
                                                                            "2025-11-04"))


def test_family_name_and_title_after_a_royal_name(kb: ActorKB) -> None:
    t = ("تلقى صاحب السمو الملكي الأمير محمد بن سلمان بن عبدالعزيز آل سعود ولي العهد رئيس مجلس الوزراء، اتصالاً "
         "هاتفياً اليوم.")
    m = _find(resolve_text(t, kb, "2025-10-06"), "صاحب السمو الملكي الأمير محمد بن سلمان بن عبدالعزيز آل سعود ولي العهد")
    assert m.entity.name == "Mohammed bin Salman"


def test_collective_presidencies(kb: ActorKB) -> None:
    ms = resolve_text("وقال رئيس المجلس الرئاسي الليبي إن الاتفاق مهم.", kb, "2025-06-01")
    assert _find(ms, "رئيس المجلس الرئاسي الليبي").entity.id == "menfi_mohamed"
    ms = resolve_text("وقال رئيس مجلس القيادة الرئاسي اليمني إن الاتفاق مهم.", kb, "2025-06-01")
    assert _find(ms, "رئيس مجلس القيادة الرئاسي اليمني").entity.id == "alimi_rashad"


# ------------------------------------------------------------------------------------------------ issue 11 item 8
def test_named_bodies_the_kb_does_not_know(kb: ActorKB) -> None:
    ms = resolve_text("وأعلنت وزارة الزراعة والري أمس خطة جديدة.", kb, None)
    m = _find(ms, "وزارة الزراعة والري")
    assert (m.label, m.entity.kind, m.entity.country, m.entity.id) == ("ORG", "organization", None, None)
    m = _find(resolve_text("ودعت نقابة الأطباء الأردنيين إلى إضراب.", kb, None), "نقابة الأطباء الأردنيين")
    assert m.entity.country == "JOR" and m.entity.name == "نقابة الأطباء الأردنيين"
    # a known body stays the KB's; a foreign ministry stays the state (resolved as its government)
    assert _find(resolve_text("وقال مجلس الأمن إن", kb, None), "مجلس الأمن").entity.id
    assert _find(resolve_text("وقالت وزارة الخارجية الكويتية إن", kb, None),
                 "وزارة الخارجية الكويتية").entity.kind == "country"


@pytest.mark.parametrize("text", [
    "وهتف المحتجون ضد زعيم التيار الوطني في الساحة.",       # the body names a person's office
    "وأشاد رئيس مجلس الشورى الجديد بالخطة.",                 # the genitive of a title
    "وعقد الاجتماع في إطار اللجنة المشتركة للتعاون.",          # ل + the article: a frame
    "واستقبل الوزير ضيفه بمقر مجلس الوزراء بالعاصمة.",          # the genitive of a place: where, not who
    "وشهدت الجلسة قيادة السيارة في الطريق.",                  # not a body head
])
def test_bodies_that_are_no_participants(kb: ActorKB, text: str) -> None:
    assert not any((m.attrs or {}).get("body") for m in resolve_text(text, kb, None))


def test_honorific_and_given_name_refer_back(kb: ActorKB) -> None:
    text = "استقبل أمير قطر الشيخ تميم بن حمد آل ثاني الوفد. وأكد الشيخ تميم دعم بلاده."
    m = _find(resolve_text(text, kb, "2024-05-01"), "الشيخ تميم")
    assert m.entity.id == "tamim_bin_hamad" and m.source == "coref"
    two = "التقى الشيخ محمد بن زايد الشيخ محمد بن راشد. وقال الشيخ محمد إن اللقاء مثمر."
    assert not any(m.text == "الشيخ محمد" for m in resolve_text(two, kb, "2024-05-01"))  # two Mohammeds
    assert not any(m.text == "الشيخ تميم" for m in resolve_text("وأكد الشيخ تميم دعم بلاده.", kb, None))


def test_step_resolves_the_title_and_shares_its_resources(kb: ActorKB) -> None:
    from marsad.events import EventStep

    step = EntityStep(kb=kb, ner=None)
    art = Article(id="t", source_path="/t", text="وقال المتحدث إن الزيارة ناجحة.",
                  title="الرئيس المصري عبد الفتاح السيسي يستقبل ملك الأردن", published="2024-05-01")
    (art,) = step([art])
    assert {m.entity.id for m in art.title_mentions if m.entity} >= {"sisi_abdel_fattah"}
    assert all(m.end <= len(art.title) for m in art.title_mentions)  # offsets index the title
    events = EventStep(settings={"gate": False}, entities=step.resources)
    assert events.coder.res.kb is step.kb and events.coder.res.gazetteer is step.gazetteer


def test_events_stage_has_no_finder_of_its_own() -> None:
    import importlib.util as iu

    assert iu.find_spec("marsad.events.fallback") is None
    src = (Path(__file__).resolve().parents[1] / "src" / "marsad" / "events" / "coder.py").read_text(encoding="utf-8")
    assert "__import__" not in src


@pytest.mark.parametrize("text,surface,name,role", [
    ("وأصدر قائد الشرطة العميد سالم الكعبي أوامر بإغلاق الطرق.", "العميد سالم الكعبي", "سالم الكعبي", None),
    ("واعتصم العمال أمام مكتب المحافظ، جابر الربيعي، مطالبين بأجورهم.", "المحافظ، جابر الربيعي", "جابر الربيعي",
     "governor"),
])
def test_rank_or_bare_title_and_a_family_nisba_is_a_person(kb: ActorKB, text: str, surface: str, name: str,
                                                            role: str | None) -> None:
    m = _find(resolve_text(text, kb, None), surface)
    assert (m.entity.kind, m.entity.name, m.entity.role, m.entity.id) == ("person", name, role, None)


@pytest.mark.parametrize("text", [
    "الملك عبدالله يدين الهجوم على المقر",                     # a bare title, a given name and a verb: no nisba
    "وأكد رئيس الجمهورية داخل الحرم الجامعي التزامه.",          # a place word starts no name
    "استقبل الأمير عبد العزيز بن سلمان الوفد.",                # the name goes on past the guess ("بن")
])
def test_no_name_guessed(kb: ActorKB, text: str) -> None:
    assert not any(m.source == "heuristic" for m in resolve_text(text, kb, "2024-05-01"))


def test_a_definite_body_noun_refers_back_to_the_body(kb: ActorKB) -> None:
    ms = resolve_text("أصدر مجلس الأمن الدولي بيانا. وحمل المجلس الأطراف المسؤولية.", kb, None)
    assert _find(ms, "المجلس").entity.name == "UN Security Council"
    ms = resolve_text("أعلنت نقابة المهندسين إضرابا. وقالت النقابة إن الإضراب مفتوح.", kb, None)
    assert _find(ms, "النقابة").entity.name == "نقابة المهندسين"
    assert not any(m.text == "المجلس" for m in resolve_text("وأكد المجلس التزامه.", kb, None))  # no antecedent
    ms = resolve_text("قالت نقابة المهندسين إن المدير العام للنقابة استقال.", kb, None)
    assert not any(m.text == "للنقابة" for m in ms)  # the body of a person's office
