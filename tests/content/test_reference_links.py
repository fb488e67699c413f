"""References and videos made in the CMS follow the rule of the curriculum files: a link leads
to the real page over https, never to a placeholder; a DOI looks like one."""

from django.core.exceptions import ValidationError

from wagtail.blocks import StructBlockValidationError

import pytest

from accounts.roles import Role
from content.blocks import VideoBlock
from content.models import Reference, ReferenceKind
from tests.cms import ok, url
from tests.factories import staff_user


def reference(**fields) -> Reference:
    values = {
        "key": "horowitz-2019",
        "authors": "Horowitz MA, Taylor D",
        "year": 2019,
        "title": "Tapering of SSRI treatment to mitigate withdrawal symptoms",
        "source": "Lancet Psychiatry 6(6):538-546",
        "kind": ReferenceKind.NARRATIVE_REVIEW,
    } | fields
    return Reference(**values)


@pytest.mark.django_db
class ReferenceLinkTests:
    @pytest.mark.parametrize(
        "link, message",
        [
            ("https://example.org/paper", "is a placeholder, not a real page"),
            ("https://journal.test/paper", "is a placeholder, not a real page"),
            ("http://www.thelancet.com/paper", "must be an https:// address"),
        ],
    )
    def test_a_placeholder_or_insecure_url_is_refused_on_the_url_field(self, link, message):
        with pytest.raises(ValidationError) as refused:
            reference(url=link).full_clean()
        [error] = refused.value.message_dict["url"]
        assert message in error

    def test_a_doi_that_is_not_one_is_refused(self):
        with pytest.raises(ValidationError) as refused:
            reference(doi="doi.org/10.1016/x").full_clean()
        assert "is not a DOI" in refused.value.message_dict["doi"][0]

    def test_a_findable_reference_is_accepted(self):
        reference(
            doi="10.1016/S2215-0366(19)30032-X", url="https://www.thelancet.com/x"
        ).full_clean()

    def test_the_cms_form_shows_the_reason_and_saves_nothing(self, client):
        # No role may add references (they come from the curriculum files); a superuser can.
        client.force_login(staff_user(Role.ADMINISTRATOR, is_superuser=True))
        data = {
            "key": "made-up-2020",
            "authors": "Nobody A",
            "year": 2020,
            "title": "A paper",
            "source": "A journal",
            "doi": "",
            "url": "https://example.com/paper",
            "kind": ReferenceKind.TRIAL,
            "unpublished": "",
        }
        body = ok(client.post(url(Reference, "add"), data))
        assert "link https://example.com/paper is a placeholder, not a real page" in body
        assert not Reference.objects.filter(key="made-up-2020").exists()


class VideoLinkTests:
    def test_a_placeholder_video_link_is_refused_in_the_cms(self):
        block = VideoBlock()
        value = block.to_python(
            {"title": "A talk", "url": "https://example.org/video", "transcript": "<p>All.</p>"}
        )
        with pytest.raises(StructBlockValidationError) as refused:
            block.clean(value)
        assert "is a placeholder" in str(refused.value.block_errors["url"])

    def test_a_real_video_link_passes(self):
        block = VideoBlock()
        value = block.to_python(
            {
                "title": "A talk",
                "url": "https://www.youtube.com/watch?v=x",
                "transcript": "<p>A</p>",
            }
        )
        assert block.clean(value)["url"] == "https://www.youtube.com/watch?v=x"
