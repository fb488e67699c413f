"""The "Assessments" CMS menu: the framework, vignettes, assessment rules and question banks as
snippets, the item inspect view with its key, and the item analysis report."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from accounts.roles import Role
from assessments.analysis import MIN_RESPONSES
from assessments.item_versions import option_id
from assessments.models import (
    Assessment,
    Behaviour,
    Competency,
    CompetencyDomain,
    Item,
    ItemVersion,
    Response,
    Vignette,
)
from assessments.services import attempt_start, attempt_submit
from courses.models import LessonObjective, LessonPage
from tests.assessments.factories import build_item, checklist, competencies, exam, knowledge_check
from tests.assessments.test_item_analysis import Grader
from tests.cms import ok, url
from tests.courses.factories import build_course
from tests.factories import UserFactory, staff_user


@pytest.fixture
def course(db):
    return build_course("cms", modules=1, lessons=1)


@pytest.fixture
def bank(course):
    module = course.get_children().first().specific
    [competency] = competencies("test.cms")
    vignette = Vignette.objects.create(
        code="cms-case", course=course, title="A case", text="Someone asks for help."
    )
    item = build_item(course, code="cms-item", module=module, competency=competency)
    item.vignette = vignette
    item.save(update_fields=["vignette"])
    return {
        "item": item,
        "other": build_item(course, code="cms-other", module=module, competency=competency),
        "competency": competency,
        "vignette": vignette,
        "check": knowledge_check(course, module),
        "exam": exam(course),
    }


@pytest.mark.django_db
class SnippetPageTests:
    def test_every_listing_inspect_and_edit_page_loads_for_an_administrator(self, client, bank):
        client.force_login(staff_user(Role.ADMINISTRATOR))
        domain = CompetencyDomain.objects.get(code="test")
        for model, obj in [
            (CompetencyDomain, domain),
            (Competency, bank["competency"]),
            (Vignette, bank["vignette"]),
            (Assessment, bank["exam"]),
            (Item, bank["item"]),
        ]:
            listing = ok(client.get(url(model, "list")))
            assert str(obj) in listing or getattr(obj, "code", "") in listing
            ok(client.get(url(model, "inspect", obj.pk)))
        for model, obj in [
            (CompetencyDomain, domain),
            (Competency, bank["competency"]),
            (Assessment, bank["check"]),
        ]:
            ok(client.get(url(model, "edit", obj.pk)))

    def test_a_competency_shows_its_observation_checklist(self, client, bank):
        checklist(bank["competency"], "asks-first", "reflects-back")
        Behaviour.objects.filter(code="reflects-back").update(retired=True)
        client.force_login(staff_user(Role.CLINICAL_REVIEWER))
        page = ok(client.get(url(Competency, "inspect", bank["competency"].pk)))
        assert "Observation checklist" in page
        assert "<li>Does asks-first where it can be seen.</li>" in page
        assert "reflects-back" not in page  # retired: no longer on the checklist

    def test_the_assessments_menu_groups_them(self, client, bank):
        client.force_login(staff_user(Role.ADMINISTRATOR))
        home = ok(client.get(reverse("wagtailadmin_home")))
        assert "Assessments" in home
        for model in (CompetencyDomain, Competency, Vignette, Assessment, Item):
            assert url(model, "list") in home
        assert reverse("item_analysis") in home

    def test_the_item_listing_shows_course_kind_difficulty_version_and_retired(self, client, bank):
        item = bank["item"]
        ItemVersion.objects.create(item=item, number=2, stem="Reworded?", options=[])
        Item.objects.filter(pk=item.pk).update(
            current_version=ItemVersion.objects.get(item=item, number=2)
        )
        client.force_login(staff_user(Role.AUTHOR))
        listing = ok(client.get(url(Item, "list")))
        for text in ("cms-item", "Course cms", "Single choice", "Medium", "Current version"):
            assert text in listing
        assert "either way an answered item gets a new version" in listing
        found = ok(client.get(url(Item, "list_results"), {"q": "reworded"}))
        assert "cms-item" in found and "cms-other" not in found

    def test_listings_read_the_same_number_of_queries_however_many_rows(self, client, bank, course):
        client.force_login(staff_user(Role.AUTHOR))

        def queries(target):
            with CaptureQueriesContext(connection) as captured:
                ok(client.get(target))
            return len(captured)

        before = {model: queries(url(model, "list")) for model in (Item, Assessment, Competency)}
        more = build_course("cms-more", modules=3, lessons=1)
        for n, module in enumerate(more.get_children().specific()):
            [competency] = competencies(f"test.more-{n}")
            build_item(more, code=f"more-{n}", module=module, competency=competency)
            knowledge_check(more, module)
        after = {model: queries(url(model, "list")) for model in (Item, Assessment, Competency)}
        assert after == before

    def test_the_framework_can_be_searched(self, client, bank):
        client.force_login(staff_user(Role.AUTHOR))
        found = ok(client.get(url(Competency, "list_results"), {"q": "test.cms"}))
        assert "test.cms" in found

    def test_a_learner_cannot_reach_them(self, client, bank, learner):
        client.force_login(learner)
        for target in (
            url(Item, "list"),
            url(Item, "inspect", bank["item"].pk),
            url(Assessment, "edit", bank["exam"].pk),
            url(Competency, "list"),
        ):
            response = client.get(target)
            assert response.status_code in {302, 403}, target
            assert "Why A of cms-item is right." not in response.content.decode()


@pytest.mark.django_db
class ItemInspectTests:
    def test_shows_every_version_with_its_key_and_rationales(self, client, bank):
        item = bank["item"]
        first = item.current_version
        options = [{**o, "text": o["text"] + " (reworded)"} for o in first.options]
        item.current_version = ItemVersion.objects.create(
            item=item, number=2, stem="The reworded question?", options=options
        )
        item.save(update_fields=["current_version"])
        client.force_login(staff_user(Role.CLINICAL_REVIEWER))
        page = ok(client.get(url(Item, "inspect", item.pk)))
        for text in (
            "Question cms-item?",
            "The reworded question?",
            "Version 2 (current)",
            "Version 1",
            "Option A of cms-item (reworded)",
            "Why A of cms-item is right.",
            "Why B of cms-item is wrong.",
            "Correct",
            "A case",  # the vignette
            "test.cms",  # its competency
            "content/curricula/courses/cms/items.yaml",
        ):
            assert text in page, text
        assert page.index("Version 2 (current)") < page.index("Version 1")

    def test_shows_how_often_each_option_was_chosen_once_analysed(self, client, bank):
        item = bank["item"]
        grader = Grader(bank["exam"], [UserFactory() for _ in range(3)])
        for n in range(MIN_RESPONSES):
            grader.attempt({item: "A" if n % 2 else "B", bank["other"]: "A" if n % 2 else "C"})
        client.force_login(staff_user(Role.AUTHOR))
        page = ok(client.get(url(Item, "inspect", item.pk)))
        assert "15 (50%)" in page
        assert "Distractor C never chosen" in page


@pytest.mark.django_db
class FilesOwnTheRecordsTests:
    def test_nothing_is_added_or_deleted_in_the_cms_not_even_by_a_superuser(self, client, bank):
        client.force_login(staff_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
        for model, obj in [
            (Assessment, bank["exam"]),
            (Item, bank["item"]),
            (Competency, bank["competency"]),
            (Vignette, bank["vignette"]),
        ]:
            assert client.get(url(model, "add")).status_code in {302, 403}
            assert client.post(url(model, "delete", obj.pk)).status_code in {302, 403}
            assert model.objects.filter(pk=obj.pk).exists()
        bulk_delete = reverse("wagtail_bulk_action", args=["assessments", "item", "delete"])
        client.post(f"{bulk_delete}?id={bank['item'].pk}&id={bank['other'].pk}")
        page = client.get(f"{bulk_delete}?id={bank['item'].pk}").content.decode()
        assert "permission to delete this item" in page
        assert Item.objects.filter(pk__in=[bank["item"].pk, bank["other"].pk]).count() == 2
        # Items change through their own editor (versioned); vignettes only through the files.
        assert client.get(url(Item, "edit", bank["item"].pk)).status_code in {302, 403}
        assert client.get(url(Vignette, "edit", bank["vignette"].pk)).status_code in {302, 403}

    def test_a_reviewer_may_look_but_not_change_the_rules(self, client, bank):
        client.force_login(staff_user(Role.CLINICAL_REVIEWER))
        ok(client.get(url(Assessment, "inspect", bank["exam"].pk)))
        assert client.get(url(Assessment, "edit", bank["exam"].pk)).status_code in {302, 403}


def wording(item, **changes) -> dict:
    """The item editor's form as an author would send it: the current wording, changed."""
    options = changes.pop("options", None) or [
        (o["text"], o["correct"], o["rationale"]) for o in item.current_version.options
    ]
    data = {
        "pool": item.pool,
        "module": item.module.slug if item.module else "",
        "stem": item.current_version.stem,
        "difficulty": item.difficulty,
        "competencies": [c.code for c in item.competencies.all()],
        "options-TOTAL_FORMS": len(options),
        "options-INITIAL_FORMS": len(options),
        "options-MIN_NUM_FORMS": 2,
        "options-MAX_NUM_FORMS": 1000,
    }
    for n, (text, correct, rationale) in enumerate(options):
        data[f"options-{n}-text"] = text
        data[f"options-{n}-rationale"] = rationale
        if correct:
            data[f"options-{n}-correct"] = "on"
    return {**data, **changes}


def edit_url(item) -> str:
    return reverse("item_edit", args=[item.pk])


@pytest.mark.django_db
class ItemEditorTests:
    def test_an_unanswered_item_is_edited_in_place(self, client, bank):
        item = bank["item"]
        client.force_login(staff_user(Role.AUTHOR))
        form = ok(client.get(edit_url(item)))
        assert "Question cms-item?" in form and "Why A of cms-item is right." in form
        options = [
            ("Ask what matters to them", False, "It comes first, but another option is keyed."),
            ("Offer the options", True, "Keyed as correct in this edit."),
        ]
        response = client.post(
            edit_url(item), wording(item, stem="Reworded?", difficulty="hard", options=options)
        )
        assert response.status_code == 302
        item.refresh_from_db()
        version = item.current_version
        assert (version.number, version.stem, item.difficulty) == (1, "Reworded?", "hard")
        assert [(o["text"], o["correct"]) for o in version.options] == [
            ("Ask what matters to them", False),
            ("Offer the options", True),
        ]
        assert version.correct_ids == {option_id("cms-item", "Offer the options")}
        assert item.versions.count() == 1

    def test_an_answered_item_gets_a_new_version_and_graded_attempts_keep_theirs(
        self, client, bank
    ):
        item = bank["item"]
        Grader(bank["exam"], [UserFactory()]).attempt({item: "A", bank["other"]: "A"})
        first = item.current_version
        client.force_login(staff_user(Role.AUTHOR))
        page = ok(client.get(edit_url(item)))
        assert "saving a change makes version 2" in page
        response = client.post(edit_url(item), wording(item, stem="Clearer question?"))
        assert response.status_code == 302
        item.refresh_from_db()
        assert (item.current_version.number, item.current_version.stem) == (2, "Clearer question?")
        first.refresh_from_db()
        assert first.stem == "Question cms-item?"
        assert Response.objects.get(item_version__item=item).item_version == first

    def test_the_file_rules_apply_and_a_refused_edit_changes_nothing(self, client, bank):
        item = bank["item"]
        before = list(ItemVersion.objects.values_list("pk", "stem", "options"))
        client.force_login(staff_user(Role.AUTHOR))
        two_keys = [
            ("Yes", True, "Right."),
            ("Also yes", True, "Also right."),
            ("No", False, "No."),
        ]
        same_text = [("Same", True, "One."), ("Same", False, "Two.")]
        for data, message in [
            (
                wording(item, options=two_keys),
                "a single_choice item needs exactly one correct option (2 found)",
            ),
            (wording(item, options=same_text), "two options have the same text"),
            (wording(item, competencies=[]), "This field is required."),
            (wording(item, stem="  "), "This field is required."),
            (
                wording(item, options=[("Only one", True, "Alone.")]),
                "Please submit at least 2 forms.",
            ),
            (
                {**wording(item), "options-1-rationale": ""},
                "This field is required.",
            ),
        ]:
            response = client.post(edit_url(item), data)
            assert response.status_code == 400
            assert message in response.content.decode(), message
        assert list(ItemVersion.objects.values_list("pk", "stem", "options")) == before

    def test_only_authors_and_administrators_edit(self, client, bank, learner):
        item = bank["item"]
        client.force_login(staff_user(Role.CLINICAL_REVIEWER))
        assert edit_url(item) not in ok(client.get(url(Item, "inspect", item.pk)))
        # Wagtail turns a refusal in the CMS into a redirect to the dashboard with a message.
        assert client.get(edit_url(item)).status_code in {302, 403}
        refused = client.post(edit_url(item), wording(item, stem="Hacked?"))
        assert refused.status_code in {302, 403}
        client.force_login(learner)
        response = client.get(edit_url(item))
        assert response.status_code in {302, 403}
        assert "Why A of cms-item is right." not in response.content.decode()
        item.current_version.refresh_from_db()
        assert item.current_version.stem == "Question cms-item?"
        client.force_login(staff_user(Role.AUTHOR))
        assert edit_url(item) in ok(client.get(url(Item, "inspect", item.pk)))


def rules(**changes) -> dict:
    data = {
        "passing_score": 80,
        "form_length": "",
        "max_attempts": "",
        "cooldown_minutes": 0,
        "time_limit_minutes": "",
        "feedback": "full",
    }
    return {**data, **changes}


@pytest.mark.django_db
class AssessmentRuleTests:
    def test_an_author_changes_the_rules_but_not_what_the_assessment_is(self, client, bank):
        client.force_login(staff_user(Role.AUTHOR))
        target = bank["exam"]
        response = client.post(
            url(Assessment, "edit", target.pk),
            rules(
                passing_score=70,
                form_length=12,
                max_attempts=3,
                cooldown_minutes=60,
                time_limit_minutes=45,
                feedback="score_only",
                shuffle_options="on",
                kind="knowledge_check",
                title="Renamed",
            ),
        )
        assert response.status_code == 302, response.content.decode()[-3000:]
        target.refresh_from_db()
        assert (
            target.passing_score,
            target.form_length,
            target.max_attempts,
            target.cooldown_minutes,
            target.time_limit_minutes,
            target.feedback,
            target.shuffle_options,
        ) == (70, 12, 3, 60, 45, "score_only", True)
        assert (target.kind, target.title) == ("exam", "Course exam: Course cms")

    def test_a_knowledge_check_takes_every_item(self, client, bank):
        client.force_login(staff_user(Role.AUTHOR))
        response = client.post(url(Assessment, "edit", bank["check"].pk), rules(form_length=1))
        assert response.status_code == 200
        assert "leave this empty" in response.content.decode()
        assert Assessment.objects.get(pk=bank["check"].pk).form_length is None

    def test_an_exam_never_shows_its_key_on_a_failed_attempt(self, client, bank):
        client.force_login(staff_user(Role.AUTHOR))
        target = bank["exam"]
        response = client.post(url(Assessment, "edit", target.pk), rules(form_length=8))
        assert response.status_code == 200
        assert "shown only once it is passed" in response.content.decode()
        assert Assessment.objects.get(pk=target.pk).feedback != "full"

    def test_a_passing_score_above_100_is_refused(self, client, bank):
        client.force_login(staff_user(Role.ADMINISTRATOR))
        response = client.post(url(Assessment, "edit", bank["exam"].pk), rules(passing_score=101))
        assert response.status_code == 200
        assert Assessment.objects.get(pk=bank["exam"].pk).passing_score != 101

    def test_a_competency_keeps_its_code(self, client, bank):
        client.force_login(staff_user(Role.AUTHOR))
        competency = bank["competency"]
        response = client.post(
            url(Competency, "edit", competency.pk),
            {
                "code": "hijacked",
                "domain": competency.domain_id,
                "name": "Renamed",
                "description": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[-3000:]
        competency.refresh_from_db()
        assert (competency.code, competency.name) == ("test.cms", "Renamed")


@pytest.fixture
def analysed(bank):
    grader = Grader(bank["exam"], [UserFactory() for _ in range(3)])
    for n in range(MIN_RESPONSES):
        strong = n % 2 == 0
        grader.attempt(
            {bank["item"]: "A" if strong else "B", bank["other"]: "A" if strong else "C"}
        )
    return bank


@pytest.mark.django_db
class ItemAnalysisReportTests:
    @pytest.mark.parametrize("role", [Role.AUTHOR, Role.CLINICAL_REVIEWER, Role.ADMINISTRATOR])
    def test_the_report_lists_item_versions_and_links_to_their_inspect_view(
        self, client, analysed, role
    ):
        client.force_login(staff_user(role))
        page = ok(client.get(reverse("item_analysis")))
        assert "cms-item" in page and "cms-other" in page
        assert url(Item, "inspect", analysed["item"].pk) in page
        assert "Distractor C never chosen" in page  # cms-item: nobody chose C
        assert "1.00" in page  # both items split learners the same way: r = 1

    def test_the_report_can_be_sorted(self, client, analysed):
        client.force_login(staff_user(Role.AUTHOR))
        for ordering in ("difficulty", "-discrimination", "item_code", "-responses", "flagged"):
            ok(client.get(reverse("item_analysis"), {"ordering": ordering}))
        page = ok(client.get(reverse("item_analysis"), {"ordering": "-item_code"}))
        assert page.index("cms-other") < page.index("cms-item")

    def test_csv_and_xlsx_export(self, client, analysed):
        client.force_login(staff_user(Role.CLINICAL_REVIEWER))
        response = client.get(reverse("item_analysis"), {"export": "csv"})
        assert response.status_code == 200
        lines = b"".join(response.streaming_content).decode().splitlines()
        assert lines[0].startswith("Course,Item,Version,Current version,Graded responses,")
        row = next(line for line in lines if ",cms-item," in line)
        assert row.startswith("Course cms,cms-item,1,True,30,0.500,1.000,")
        assert "A* 15 (50%); B 15 (50%); C 0 (0%)" in row
        assert "Distractor C never chosen" in row
        xlsx = client.get(reverse("item_analysis"), {"export": "xlsx"})
        assert xlsx.status_code == 200
        assert xlsx["Content-Disposition"].endswith('item-analysis.xlsx"')

    def test_learners_and_other_roles_cannot_see_it(self, client, analysed, learner):
        client.force_login(learner)
        assert client.get(reverse("item_analysis")).status_code in {302, 403}
        client.force_login(staff_user(Role.SUPERVISOR))
        assert client.get(reverse("item_analysis")).status_code in {302, 403}


@pytest.mark.django_db
class PoolAndExposureTests:
    def test_an_author_moves_an_unanswered_item_to_the_exam_with_its_objectives(
        self, client, bank, course
    ):
        lesson = LessonPage.objects.descendant_of(course).first()
        LessonObjective.objects.create(course=course, lesson=lesson, code="cms-goal", text="Ask.")
        item = bank["other"]
        client.force_login(staff_user(Role.AUTHOR))
        data = wording(item, pool="summative", module="")
        refused = client.post(edit_url(item), data)
        assert refused.status_code == 400
        assert "a summative item needs &#x27;objectives&#x27;" in refused.content.decode()
        response = client.post(edit_url(item), {**data, "objectives": ["cms-goal"]})
        assert response.status_code == 302, response.content.decode()[-2000:]
        item.refresh_from_db()
        assert (item.pool, item.module_id) == ("summative", None)
        assert [o.code for o in item.objectives.all()] == ["cms-goal"]

    def test_an_answered_knowledge_check_item_never_becomes_an_exam_item(
        self, client, bank, learner
    ):
        attempt_submit(attempt=attempt_start(user=learner, assessment=bank["check"]))
        item = bank["item"]
        client.force_login(staff_user(Role.ADMINISTRATOR))
        response = client.post(edit_url(item), wording(item, pool="summative", module=""))
        assert response.status_code == 400
        assert "cannot become an exam item" in response.content.decode()
        item.refresh_from_db()
        assert item.pool == "formative"

    def test_authors_mark_an_item_exposed_or_retired_and_reviewers_cannot(
        self, client, bank, learner
    ):
        item = bank["item"]
        status_url = reverse("item_status", args=[item.pk])
        client.force_login(staff_user(Role.CLINICAL_REVIEWER))
        assert "Mark exposed" not in ok(client.get(url(Item, "inspect", item.pk)))
        assert client.post(status_url, {"action": "retire"}).status_code in {302, 403}
        assert not Item.objects.get(pk=item.pk).retired
        client.force_login(staff_user(Role.AUTHOR))
        assert "Mark exposed" in ok(client.get(url(Item, "inspect", item.pk)))
        page = ok(client.post(status_url, {"action": "expose", "note": " "}, follow=True))
        assert "Say how the key became known" in page
        assert Item.objects.get(pk=item.pk).exposed_at is None
        client.post(status_url, {"action": "expose", "note": "Posted on a forum"})
        item.refresh_from_db()
        assert item.exposed_at is not None and item.exposed_note == "Posted on a forum"
        client.post(status_url, {"action": "retire"})
        assert Item.objects.get(pk=item.pk).retired
        page = ok(client.post(status_url, {"action": "publish"}, follow=True))
        assert "Unknown action" in page

    def test_the_item_analysis_report_counts_exposure(self, client, bank, learner):
        check = bank["check"]
        for _ in range(2):
            attempt_submit(attempt=attempt_start(user=learner, assessment=check))
        client.force_login(staff_user(Role.AUTHOR))
        page = ok(client.get(reverse("item_analysis")))
        row = page[page.index(">cms-item</a>") :]
        row = row[: row.index("</tr>")]
        cells = [c.split("</td>")[0].strip() for c in row.split("<td>")[1:]]
        # Pool, course, attempts, learners, attempts that showed the key, state.
        assert cells == ["Formative", "Course cms", "2", "1", "2", "In use"]
